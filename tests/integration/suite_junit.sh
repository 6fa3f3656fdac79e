# ringbench suite: runs each entry, prints the table, writes JUnit XML that
# is well-formed and carries every target (a miss as <failure>, an undecided
# target as <failure type="inconclusive"> saying why, a run that failed as
# <error>); exit 0 / 1 / 3 / 4; a bad suite file is exit 2 with
# file:line:col.
. "$(dirname "$0")/live_lib.sh"
S=$SRC/scenarios
cat >s1.yaml <<YAML
name: t1
runs:
  - {name: erlang, scenario: $S/erlang-a.yaml, engine: model, replications: 3}
  - {name: burst-10, scenario: $S/morning-burst.yaml, engine: model, operators: 10, replications: 3}
  - {name: broken, scenario: $S/no-such-file.yaml}
YAML
"$RB" suite s1.yaml --junit s1.xml --out out1 --quiet >t1.txt 2>&1
check "a run that failed: exit 3" 3 $?
/usr/bin/python3 - s1.xml "$S" >x1.txt <<'PY'
import sys, xml.etree.ElementTree as ET, json
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
suites = {s.get("name"): s for s in root.findall("testsuite")}
assert set(suites) == {"erlang", "burst-10", "broken"}, suites.keys()
# one test case per target of the scenario
assert len(suites["erlang"].findall("testcase")) == 1
assert len(suites["burst-10"].findall("testcase")) == 3
fails = suites["burst-10"].findall("testcase/failure")
assert len(fails) >= 1, "10 operators should miss a target"
assert not suites["erlang"].findall("testcase/failure")
err = suites["broken"].findall("testcase/error")
assert len(err) == 1 and "no-such-file" in err[0].get("message"), [e.attrib for e in err]
tot = sum(len(s.findall("testcase")) for s in suites.values())
assert int(root.get("tests")) == tot
assert int(root.get("failures")) == len(fails)
assert int(root.get("errors")) == 1
print("ok")
PY
check "JUnit XML well-formed, one test case per target" ok "$(tail -1 x1.txt)"
grep -q 'burst-10 *model *fail' t1.txt && pass "table shows the miss" || fail "$(cat t1.txt)"
grep -q 'broken .*ERROR' t1.txt && pass "table shows the error" || fail "$(cat t1.txt)"
[ -f out1/erlang/summary.json ] && pass "each run has its result folder" || fail "no out1/erlang"

cat >s2.yaml <<YAML
name: t2
runs:
  - {name: ok, scenario: $S/erlang-a.yaml, replications: 2}
  - {name: miss, scenario: $S/morning-burst.yaml, operators: 8, backup: 0, replications: 2}
YAML
"$RB" suite s2.yaml --out out2 --quiet >/dev/null 2>&1
check "a missed target: exit 1" 1 $?

# Two replications of quick.yaml cannot decide its rush and abandon targets:
# the run is inconclusive (exit 4), a failure of type inconclusive in JUnit,
# never an error.
cat >s5.yaml <<YAML
name: t5
runs:
  - {name: undecided, scenario: $S/quick.yaml, replications: 2}
YAML
"$RB" suite s5.yaml --junit s5.xml --out out5 --quiet >t5.txt 2>&1
check "an undecided target: exit 4" 4 $?
grep -q 'undecided *model *inconclusive' t5.txt && pass "table shows inconclusive" || fail "$(cat t5.txt)"
/usr/bin/python3 - s5.xml >x5.txt <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert int(root.get("errors")) == 0 and not root.findall(".//error"), "inconclusive is not an error"
f = root.findall(".//failure")
assert f and all(x.get("type") == "inconclusive" for x in f), [x.attrib for x in f]
assert all(x.get("message").startswith("inconclusive: ") for x in f), [x.attrib for x in f]
assert all("straddles" in x.get("message") for x in f), [x.attrib for x in f]
assert int(root.get("failures")) == len(f)
print("ok")
PY
check "JUnit: inconclusive as a failure saying why" ok "$(tail -1 x5.txt)"

cat >s3.yaml <<YAML
name: t3
runs:
  - {name: a, scenario: $S/erlang-a.yaml, engine: modle}
YAML
"$RB" suite s3.yaml --out out3 2>err.txt
check "bad suite: exit 2" 2 $?
grep -q '^s3.yaml:3:[0-9]*: expected engine: model or live' err.txt && pass "file:line:col" || fail "$(cat err.txt)"
cat >s4.yaml <<YAML
runs:
  - {scenario: $S/erlang-a.yaml, engine: live, operators: 3}
YAML
"$RB" suite s4.yaml --out out4 2>err.txt
check "staffing override on a live run refused" 2 $?
# expect: fail makes an understaffed run pass the suite (JUnit says so), and
# targets: replaces the scenario's; one progress line per run on stderr.
cat >s6.yaml <<YAML
name: t6
runs:
  - {name: understaffed, scenario: $S/morning-burst.yaml, operators: 8, backup: 0, replications: 2, expect: fail}
  - {name: easy, scenario: $S/erlang-a.yaml, replications: 3, targets: ["5:0.01", "5:0.01:sl"]}
YAML
"$RB" suite s6.yaml --junit s6.xml --out out6 >t6.txt 2>e6.txt
check "an expected failure and an override: exit 0" 0 $?
grep -q '^suite: 1/2 understaffed  *model fail .* s (expected fail: met)$' e6.txt && pass "progress line says expected" || fail "$(cat e6.txt)"
check "one progress line per run" 2 "$(grep -c '^suite: [12]/2 ' e6.txt)"
grep -q 'understaffed .*expected fail: counts as passed' t6.txt && pass "table says expected" || fail "$(cat t6.txt)"
/usr/bin/python3 - s6.xml >x6.txt <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert int(root.get("failures")) == 0 and int(root.get("errors")) == 0, root.attrib
u = [s for s in root.findall("testsuite") if s.get("name") == "understaffed"][0]
outs = u.findall("testcase/system-out")
assert outs and all(o.text.startswith("expected fail, and the run ended fail") for o in outs), outs
e = [s for s in root.findall("testsuite") if s.get("name") == "easy"][0]
names = [c.get("name") for c in e.findall("testcase")]
assert names == ["sla within 5 rings >= 0.01 [whole run]", "sl within 5 rings >= 0.01 [whole run]"], names
print("ok")
PY
check "JUnit: expected failure passes, overrides judged" ok "$(tail -1 x6.txt)"
finish
