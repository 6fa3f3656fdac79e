#!/usr/bin/python3
"""rb_helpdoc: man pages, bash completion and a docs check, all from the
programs' own --help output, so that none of them can drift from the code.

  rb_helpdoc.py man TEMPLATE OUT [--prog NAME=PATH ...] [--version V]
      TEMPLATE is roff with whole-line placeholders:
        @HELP NAME [SUBCOMMAND]@  the converted `NAME [SUBCOMMAND] --help`
        @MD FILE@                 a Markdown file converted to roff
      and @VERSION@ anywhere.
  rb_helpdoc.py completion OUT --prog ringbench=PATH
      a bash completion script: subcommands, each one's options, files.
  rb_helpdoc.py check --prog ringbench=PATH --prog secretaryd=PATH
                      --man FILE... --docs FILE...
      every option a --help lists is in the man pages (in that command's
      section), and no command line or option named in the docs is one its
      command does not list. Exit 1 with one line per problem.

An option is "listed" by a --help when a line of it, indented, starts with
the option (`  --out DIR   ...` or `  -h, --help ...`); options named only in
prose or usage lines are not counted, so a help text that mentions another
command's option (live's `ringbench analyze ... --t0 T0`) lends it nothing.
"""
import re
import subprocess
import sys

OPT_LINE = re.compile(r'^ {1,8}(?:-\w, )?(--[a-z0-9][a-z0-9-]*)')
EXIT_LINE = re.compile(r'^(exit status|Exit status)')
OPT_WORD = re.compile(r'(?<![\w-])(--[a-z0-9][a-z0-9-]*)')


def run_help(path, sub=None):
    argv = [path] + ([sub] if sub else []) + ['--help']
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=30, check=False)
    if p.returncode != 0:
        sys.exit('%s: exit status %d' % (' '.join(argv), p.returncode))
    return p.stdout.decode('utf-8')


def listed_options(text):
    """The options a help text lists (option lines only), in order."""
    seen = []
    for line in text.splitlines():
        m = OPT_LINE.match(line)
        if m and m.group(1) not in seen:
            seen.append(m.group(1))
    return seen


def subcommands(text):
    """The `commands:` block of `ringbench --help`."""
    out, inside = [], False
    for line in text.splitlines():
        if line.strip() == 'commands:':
            inside = True
        elif inside and re.match(r'^  [a-z]+ ', line):
            out.append(line.split()[0])
        elif inside and line.strip() == '':
            break
    return out


# --- roff ---------------------------------------------------------------

def esc(s):
    """Text to roff: backslashes, dashes that start a word, leading dots."""
    s = s.replace('\\', '\\e')
    s = re.sub(r'(?<![\w])-', r'\\-', s)
    s = re.sub(r'(?<=\\-)-', r'\\-', s)
    if s.startswith(('.', "'")):
        s = '\\&' + s
    return s


def help_to_roff(text):
    """One --help text as roff: usage lines verbatim, option lines as
    tagged paragraphs, indented examples verbatim, the rest as paragraphs."""
    out = []
    lines = text.rstrip('\n').split('\n')
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if line.startswith('usage:'):  # and its continuation lines, as they are
            out += ['.PP', '.nf']
            while i < len(lines) and lines[i].strip():
                out.append(esc(lines[i].replace('usage: ', '', 1)))
                i += 1
            out.append('.fi')
            continue
        m = OPT_LINE.match(line)
        if m:
            indent = len(line) - len(line.lstrip())
            body = line.strip()
            parts = re.split(r'\s{2,}', body, maxsplit=1)
            term, desc = parts[0], parts[1:] if len(parts) > 1 else []
            i += 1
            # continuation: lines indented more than the option itself
            while i < len(lines) and lines[i].strip() and not OPT_LINE.match(lines[i]) \
                    and len(lines[i]) - len(lines[i].lstrip()) > indent:
                desc.append(lines[i].strip())
                i += 1
            out += ['.TP', '.B ' + esc(term), esc(' '.join(desc)) if desc else '']
            if out[-1] == '':
                out.pop()
            continue
        if line.startswith('  '):  # an indented example
            out += ['.PP', '.RS', '.nf']
            while i < len(lines) and lines[i].startswith('  ') and not OPT_LINE.match(lines[i]):
                out.append(esc(lines[i].strip()))
                i += 1
            out += ['.fi', '.RE']
            continue
        para = [line.strip()]
        i += 1
        while i < len(lines) and lines[i].strip() and not OPT_LINE.match(lines[i]) \
                and not lines[i].startswith('  ') and not EXIT_LINE.match(lines[i]):
            para.append(lines[i].strip())
            i += 1
        out += ['.PP', esc(' '.join(para))]
    return '\n'.join(out)


def inline_md(s):
    """Markdown inline markup to roff fonts; links keep their text."""
    s = re.sub(r'\[([^\]]+)\]\([^)]+\)', r'\1', s)
    parts = re.split(r'(`[^`]*`)', s)
    res = []
    for p in parts:
        if p.startswith('`') and p.endswith('`') and len(p) > 1:
            res.append('\\fB' + esc(p[1:-1]) + '\\fR')
        else:
            p = esc(p)
            p = re.sub(r'\*\*([^*]+)\*\*', r'\\fB\1\\fR', p)
            p = re.sub(r'(?<![\w*])\*([^*]+)\*(?![\w*])', r'\\fI\1\\fR', p)
            res.append(p)
    return ''.join(res)


def md_to_roff(text, skip_title=True):
    """A small Markdown subset (headings, paragraphs, lists, tables, code)
    to roff: enough for the project's own documents."""
    out = []
    lines = text.split('\n')
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if line.startswith('```'):
            i += 1
            out += ['.PP', '.RS', '.nf']
            while i < len(lines) and not lines[i].startswith('```'):
                out.append(esc(lines[i]) if lines[i] else '')
                i += 1
            i += 1
            out += ['.fi', '.RE']
            continue
        m = re.match(r'^(#+) (.*)', line)
        if m:
            i += 1
            level = len(m.group(1))
            title = inline_md(m.group(2)).replace('\\fB', '').replace('\\fR', '')
            if level == 1:
                if not skip_title:
                    out += ['.SH "%s"' % title.upper()]
            elif level == 2:
                out += ['.SH "%s"' % title.upper()]
            else:
                out += ['.SS "%s"' % title]
            continue
        if line.startswith('|'):
            rows = []
            while i < len(lines) and lines[i].startswith('|'):
                cells = [c.strip() for c in lines[i].strip().strip('|').split('|')]
                if not all(re.match(r'^:?-+:?$', c) for c in cells if c):
                    rows.append(cells)
                i += 1
            ncol = max(len(r) for r in rows)
            out += ['.PP', '.TS', 'allbox;',
                    ' '.join(['lb'] * ncol), ' '.join(['lx'] * (ncol - 1) + ['lx']) + '.']
            for k, r in enumerate(rows):
                r = r + [''] * (ncol - len(r))
                cells = [inline_md(c) for c in r]
                if k > 0:
                    cells = ['T{\n' + c + '\nT}' if len(c) > 30 else c for c in cells]
                out.append('\t'.join(cells))
            out.append('.TE')
            continue
        if re.match(r'^\s*[-*] ', line):
            while i < len(lines) and re.match(r'^\s*[-*] ', lines[i]):
                item = [re.sub(r'^\s*[-*] ', '', lines[i]).strip()]
                i += 1
                while i < len(lines) and lines[i].startswith('  ') and lines[i].strip() \
                        and not re.match(r'^\s*[-*] ', lines[i]):
                    item.append(lines[i].strip())
                    i += 1
                out += ['.IP \\(bu 2', inline_md(' '.join(item))]
            continue
        if line.startswith('    '):
            out += ['.PP', '.RS', '.nf']
            while i < len(lines) and (lines[i].startswith('    ') or not lines[i].strip()):
                if not lines[i].strip() and not (i + 1 < len(lines) and lines[i + 1].startswith('    ')):
                    break
                out.append(esc(lines[i][4:]))
                i += 1
            out += ['.fi', '.RE']
            continue
        para = []
        while i < len(lines) and lines[i].strip() and not lines[i].startswith(('#', '|', '```')) \
                and not re.match(r'^\s*[-*] ', lines[i]):
            para.append(lines[i].strip())
            i += 1
        out += ['.PP', inline_md(' '.join(para))]
    return '\n'.join(out)


def parse_progs(args):
    progs = {}
    for a in args:
        name, _, path = a.partition('=')
        progs[name] = path
    return progs


def take(argv, flag):
    """Values of a repeatable flag: --prog A --prog B, or --docs X Y Z."""
    vals, i, rest = [], 0, []
    while i < len(argv):
        if argv[i] == flag:
            i += 1
            while i < len(argv) and not argv[i].startswith('--'):
                vals.append(argv[i])
                i += 1
        else:
            rest.append(argv[i])
            i += 1
    return vals, rest


def cmd_man(argv):
    progs, argv = take(argv, '--prog')
    version, argv = take(argv, '--version')
    progs = parse_progs(progs)
    template, out = argv
    res = []
    with open(template, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            m = re.match(r'^@HELP (\S+)(?: (\S+))?@$', line)
            if m:
                res.append(help_to_roff(run_help(progs[m.group(1)], m.group(2))))
                continue
            m = re.match(r'^@MD (\S+)@$', line)
            if m:
                with open(m.group(1), encoding='utf-8') as md:
                    res.append(md_to_roff(md.read()))
                continue
            res.append(line.replace('@VERSION@', version[0] if version else ''))
    with open(out, 'w', encoding='utf-8') as f:
        f.write('\n'.join(res) + '\n')


COMPLETION = r'''# bash completion for ringbench (generated from its --help by rb_helpdoc.py)
_ringbench()
{
    local cur prev words cword
    _init_completion || return
    local cmd=${words[1]}
    if [[ $cword -eq 1 ]]; then
        COMPREPLY=($(compgen -W "%(cmds)s --help" -- "$cur"))
        return
    fi
    case $prev in
%(argcases)s
    esac
    if [[ $cur == -* ]]; then
        local opts=""
        case $cmd in
%(optcases)s
        esac
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    case $cmd in
        analyze) _filedir '@(pcap|pcapng|cap)' ;;
        report|compare) _filedir -d ;;
        *) _filedir '@(yaml|yml)' ;;
    esac
}
complete -F _ringbench ringbench
'''


def cmd_completion(argv):
    progs, argv = take(argv, '--prog')
    progs = parse_progs(progs)
    out = argv[0]
    rb = progs['ringbench']
    cmds = subcommands(run_help(rb))
    optcases, files, dirs, nums = [], set(), set(), set()
    for c in cmds:
        text = run_help(rb, c)
        optcases.append('            %s) opts="%s" ;;' % (c, ' '.join(listed_options(text))))
        for line in text.splitlines():
            m = re.match(r'^ {1,8}(?:-\w, )?(--[a-z0-9-]+)(?: (\S+))?', line)
            if not m or not m.group(2):
                continue
            arg = m.group(2)
            if re.search(r'FILE|SCENARIO|OUT', arg):
                files.add(m.group(1))
            elif 'DIR' in arg:
                dirs.add(m.group(1))
            else:
                nums.add(m.group(1))
    nums -= files | dirs
    argcases = []
    if files:
        argcases.append('        %s) _filedir; return ;;' % '|'.join(sorted(files)))
    if dirs:
        argcases.append('        %s) _filedir -d; return ;;' % '|'.join(sorted(dirs)))
    if nums:
        argcases.append('        %s) return ;;' % '|'.join(sorted(nums)))
    with open(out, 'w', encoding='utf-8') as f:
        f.write(COMPLETION % {'cmds': ' '.join(cmds), 'optcases': '\n'.join(optcases),
                              'argcases': '\n'.join(argcases)})


# Options of other programs that the docs show on their own command lines
# (not ringbench's nor secretaryd's): the program, then its options.
FOREIGN = {
    'sbatch': ['--array', '--cpus-per-task', '--dependency', '--job-name', '--time',
               '--workdir', '--wrap'],
    'tcpdump': ['--time-stamp-precision'],
    'cmake': ['--build', '--install', '--prefix', '--target', '--component'],
    'ctest': ['--output-on-failure', '--test-dir'],
    'cpack': ['--config'],
    'systemctl': ['--now'],
    'apt': ['--no-install-recommends'],
    # not programs: spellings the docs show on purpose, each refused or
    # noted by the program (a typo that "did you mean" corrects; the old
    # spelling of analyze --target, still read with a note)
    'typo shown by README.md': ['--replicatons'],
    'old spelling (analyze)': ['--targets'],
}


def man_sections(path):
    """The man page's text per command section: 'ringbench model' etc.;
    the whole page under its own name too."""
    with open(path, encoding='utf-8') as f:
        text = f.read().replace('\\-', '-').replace('\\e', '\\')
    sections, cur = {}, None
    for line in text.splitlines():
        m = re.match(r'^\.S[HS] "?((?:ringbench [a-z]+)|secretaryd)"?\s*$', line)
        if m:
            cur = m.group(1)
            continue
        if line.startswith('.SH'):
            cur = None
        if cur:
            sections[cur] = sections.get(cur, '') + line + '\n'
    return text, sections


def doc_lines(path):
    """(line number, text, in code) for each line of a Markdown file, with
    backslash-continued code lines joined."""
    res, code, buf = [], False, None
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if line.startswith('```'):
                code = not code
                continue
            is_code = code or line.startswith('    ')
            if buf is not None:
                buf = (buf[0], buf[1] + ' ' + line.strip(), True)
            else:
                buf = (n, line, is_code)
            if is_code and line.endswith('\\'):
                buf = (buf[0], buf[1][:-1], True)
                continue
            res.append(buf)
            buf = None
    return res


INVOCATION = re.compile(r'(?:^|[\s`(/])(?:build/)?(ringbench (?:[a-z]+)|secretaryd)\b')


def check_docs(docs, opts, problems):
    union = set()
    for v in opts.values():
        union |= set(v)
    foreign = set(o for v in FOREIGN.values() for o in v)
    for path in docs:
        for n, line, code in doc_lines(path):
            # command lines: in a code span, or a code line, up to a pipe,
            # `;`, `&&`, a comment or the span's end
            spans = re.findall(r'`([^`]*)`', line) if not code else [line]
            claimed = set()
            for span in spans:
                for seg in re.split(r'\|\||&&|[|;#]', span):
                    m = INVOCATION.search(seg)
                    if not m:
                        continue
                    cmd = m.group(1)
                    if cmd not in opts:  # `ringbench model` is a command; `ringbench run` not
                        if cmd.startswith('ringbench ') and cmd.split()[1] not in opts.get('', []):
                            continue
                    for o in OPT_WORD.findall(seg[m.end():]):
                        claimed.add(o)
                        if o not in opts[cmd] and o not in ('--help',):
                            problems.append('%s:%d: %s has no option %s (its --help does not list it)'
                                            % (path, n, cmd, o))
            # every other option named: listed by some command, or another program's
            for o in OPT_WORD.findall(line):
                if o in claimed or o in union or o in foreign:
                    continue
                problems.append('%s:%d: %s is listed by no command\'s --help' % (path, n, o))


def cmd_check(argv):
    progs, argv = take(argv, '--prog')
    mans, argv = take(argv, '--man')
    docs, argv = take(argv, '--docs')
    progs = parse_progs(progs)
    problems = []
    opts, helps = {}, {}
    rb = progs['ringbench']
    cmds = subcommands(run_help(rb))
    if not cmds:
        problems.append('ringbench --help lists no commands')
    opts[''] = cmds
    for c in cmds:
        helps['ringbench ' + c] = run_help(rb, c)
    helps['secretaryd'] = run_help(progs['secretaryd'])
    for k, t in helps.items():
        opts[k] = listed_options(t)
        if not opts[k]:
            problems.append('%s --help lists no option' % k)
    # the man pages: each option in its command's section
    sections = {}
    for m in mans:
        _, s = man_sections(m)
        sections.update(s)
    for k, os_ in opts.items():
        if not k:
            continue
        if k not in sections:
            problems.append('no man page section for %s' % k)
            continue
        for o in os_:
            if not re.search(r'(?<![\w-])' + re.escape(o) + r'(?![\w-])', sections[k]):
                problems.append('man page section %s lacks %s' % (k, o))
    check_docs(docs, {k: v for k, v in opts.items()}, problems)
    for p in problems:
        print(p)
    print('%d commands, %d options, %d docs: %d problems' % (
        len(helps), sum(len(v) for k, v in opts.items() if k), len(docs), len(problems)))
    return 1 if problems else 0


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    mode, argv = sys.argv[1], sys.argv[2:]
    if mode == 'man':
        cmd_man(argv)
    elif mode == 'completion':
        cmd_completion(argv)
    elif mode == 'check':
        sys.exit(cmd_check(argv))
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
