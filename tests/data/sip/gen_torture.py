#!/usr/bin/python3
"""Writes the SIP torture set: one raw message per *.sip file, and
torture.tsv with each file's expected outcome (read by tests/check_sipmsg.c,
and usable by secretaryd's robustness test, which sends each file and checks
the answer).

torture.tsv columns (tab-separated, '#' lines are comments):
  file      the message file in this folder
  strict    ok | 400 | 505 | 513 | drop   (what a server answers; "ok"
            means it parses: the server then answers by its own rules,
            e.g. 501 for an unknown method, see the note)
  err       the sipmsg_err name without SIPMSG_E_ (NONE when ok), or '-'
            when any drop reason will do (garbage)
  lenient   ok | notsip   (lenient parse: usable, or no start line)
  note      what it tests; RFC 4475 names in brackets where the case
            follows one of its messages

The messages are written for ringbench (in the style of RFC 4475, not
copies of it). Re-run after editing: /usr/bin/python3 gen_torture.py
"""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
CRLF = b"\r\n"

SDP = (b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
       b"t=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")


def msg(start, headers, body=b"", clen=True):
    out = start + CRLF
    for h in headers:
        out += h + CRLF
    if clen is True:
        out += b"Content-Length: %d\r\n" % len(body)
    out += CRLF + body
    return out


def invite_headers(method=b"INVITE", cseq=None):
    return [
        b"Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-t1;rport",
        b"Max-Forwards: 70",
        b"From: \"Caller\" <sip:0311112222@127.0.0.1:5061>;tag=ft1",
        b"To: <sip:0312345678@127.0.0.1:5060>",
        b"Call-ID: torture-1@127.0.0.1",
        b"CSeq: " + (cseq or (b"1 " + method)),
        b"Contact: <sip:0311112222@127.0.0.1:5061>",
        b"X-Caller-Type: inquiry",
    ]


def ruri():
    return b"sip:0312345678@127.0.0.1:5060"


def invite(extra=None, drop=None, body=SDP, start=None, clen=True):
    hs = [h for h in invite_headers()
          if not (drop and h.split(b":")[0] in drop)]
    if extra:
        hs += extra
    if body:
        hs.append(b"Content-Type: application/sdp")
    return msg(start or (b"INVITE " + ruri() + b" SIP/2.0"), hs, body, clen)


CASES = []


def case(name, data, strict, err, lenient, note):
    CASES.append((name + ".sip", data, strict, err, lenient, note))


# --- valid messages --------------------------------------------------
case("valid_invite", invite(), "ok", "NONE", "ok",
     "a typical INVITE with an SDP body")
case("valid_compact_fold", msg(
    b"INVITE " + ruri() + b" SIP/2.0",
    [b"v: SIP/2.0/UDP 10.0.0.1:5061;branch=z9hG4bK-a1, SIP/2.0/TCP [::1]:5070;branch=z9hG4bK-a2",
     b"VIA: SIP/2.0/UDP h3.example.com;branch=z9hG4bK-a3;received=10.1.1.1",
     b"max-forwards: 69",
     b"f: Caller <sip:0311112222@10.0.0.1>;tag=ft2",
     b"t: sip:0312345678@127.0.0.1",
     b"i: compact-1@10.0.0.1",
     b"cseq: 7 INVITE",
     b"m: <sip:0311112222@10.0.0.1:5061;transport=tcp>",
     b"k: timer, 100rel",
     b"Subject: a subject\r\n  folded over\r\n\ttwo lines",
     b"c: application/sdp"], SDP), "ok", "NONE", "ok",
     "compact forms, lower/upper-case names, 3 Via values, folding")
case("valid_options", msg(b"OPTIONS sip:127.0.0.1 SIP/2.0", [
    b"Via: SIP/2.0/TCP 127.0.0.1:40000;branch=z9hG4bK-o1",
    b"Max-Forwards: 70", b"From: <sip:probe@127.0.0.1>;tag=p1",
    b"To: <sip:127.0.0.1>", b"Call-ID: opt-1", b"CSeq: 100 OPTIONS",
    b"Accept: application/sdp"]), "ok", "NONE", "ok", "OPTIONS (answered 200)")
case("valid_bye", msg(b"BYE sip:0312345678@127.0.0.1:5060 SIP/2.0", [
    b"Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-b1",
    b"Max-Forwards: 70", b"From: <sip:0311112222@127.0.0.1>;tag=ft1",
    b"To: <sip:0312345678@127.0.0.1>;tag=tt1", b"Call-ID: torture-1@127.0.0.1",
    b"CSeq: 2 BYE"]), "ok", "NONE", "ok", "in-dialog BYE")
case("valid_response_180", msg(b"SIP/2.0 180 Ringing", [
    b"Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-t1;received=127.0.0.1;rport=5061",
    b"From: \"Caller\" <sip:0311112222@127.0.0.1:5061>;tag=ft1",
    b"To: <sip:0312345678@127.0.0.1:5060>;tag=tt1",
    b"Call-ID: torture-1@127.0.0.1", b"CSeq: 1 INVITE"]),
    "ok", "NONE", "ok", "a response")
case("valid_response_noreason", msg(b"SIP/2.0 100 ", [
    b"Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-t1",
    b"From: <sip:a@127.0.0.1>;tag=1", b"To: <sip:b@127.0.0.1>",
    b"Call-ID: nr-1", b"CSeq: 1 INVITE"]), "ok", "NONE", "ok",
    "response with an empty reason phrase [noreason]")
case("valid_tortuous", msg(
    b"INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0",
    [b"TO :\r\n sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n",
     b"from   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8",
     b"MaX-fOrWaRdS: 0068",
     b"Call-ID: wsinv.ndaksdj@192.0.2.1",
     b"Content-Length   : 0",
     b"cseq: 0009\r\n  INVITE",
     b"Via  : SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw",
     b"s :",
     b"NewFangledHeader:   newfangled value\r\n continued newfangled value",
     b"UnknownHeaderWithUnusualValue: ;;,,;;,;",
     b"Content-Type: application/sdp",
     b"Route:\r\n <sip:services.example.com;lr;unknownwith=value;unknown-no-value>",
     b"v:  SIP  / 2.0  / TCP     spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8  ,\r\n SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n z9hG4bK30239",
     b"m:\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\r\n      newvalue ;\r\n  secondparam ; q = 0.33"],
    b"", clen=False), "ok", "NONE", "ok",
    "whitespace, folding and case everywhere [wsinv style]")
case("valid_intmeth", msg(
    b"!interesting-Method0123456789_*+`.%indeed'~ sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0",
    [b"Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~",
     b"To: \"BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f\" <sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com>",
     b"From: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%=\"\xd1\x80\xd0\xb0\xd0\xb1\xd0\xbe\xd1\x82\xd0\xb0\xd1\x8e\xd1\x89\xd0\xb8\xd0\xb9\";tag=_token~1'+`*%!-.",
     b"Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{",
     b"CSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~",
     b"Max-Forwards: 255",
     b"extensionHeader-!.%*+_`'~:\xef\xbb\xbf\xe5\xa4\xa7\xe5\x81\x9c\xe9\x9b\xbb"]),
    "ok", "NONE", "ok",
    "unusual method and token characters, BEL NUL DEL as quoted-pairs in a "
    "display name (legal, RFC 3261 25.1) [intmeth style]")
case("valid_unknown_method", msg(b"FOO sip:0312345678@127.0.0.1 SIP/2.0", [
    b"Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-u1",
    b"Max-Forwards: 70", b"From: <sip:a@127.0.0.1>;tag=u1",
    b"To: <sip:0312345678@127.0.0.1>", b"Call-ID: unknown-1",
    b"CSeq: 1 FOO"]), "ok", "NONE", "ok",
    "unknown method: parses (method UNKNOWN); the server answers 501")
case("valid_unknown_scheme", invite(start=b"INVITE nosuchscheme:0312345678 SIP/2.0"),
     "ok", "NONE", "ok",
     "unknown Request-URI scheme: parses; the server answers 416 [unksm style]")
case("valid_zero_max_forwards", invite(drop=[b"Max-Forwards"], extra=[b"Max-Forwards: 0"]),
     "ok", "NONE", "ok", "Max-Forwards 0: parses; the server answers 483 [zeromf]")
case("valid_escaped_null_uri", invite(start=b"INVITE sip:%00null%00@127.0.0.1 SIP/2.0"),
     "ok", "NONE", "ok", "escaped %00 in the Request-URI is not a NUL byte [escnull]")
case("valid_keepalive_prefix", b"\r\n\r\n" + invite(), "ok", "NONE", "ok",
     "CRLFs before the start line are ignored (RFC 3261 7.5)")
case("valid_clen_extra", invite()[:-1] + b"\r\nEXTRA BYTES", "ok", "NONE", "ok",
     "bytes after Content-Length's body are discarded (RFC 3261 18.3)")
case("valid_no_clen", invite(clen=False), "ok", "NONE", "ok",
     "no Content-Length over a datagram: the body is the rest")
case("valid_history_info", invite(extra=[
    b"History-Info: <sip:0312345678@127.0.0.1>;index=1, <sip:0399998888@127.0.0.1?Reason=SIP%3Bcause%3D408%3Btext%3D%22Timeout%22>;index=1.1",
    b"Diversion: <sip:0399998888@127.0.0.1>;reason=no-answer;counter=1"]),
    "ok", "NONE", "ok", "forwarding headers (RFC 7044, RFC 5806)")

# --- the torture set ------------------------------------------
full = invite()
cut = full.index(b"Content-Type:")
case("truncated_body", full[:-40], "400", "BODY_SHORT", "ok",
     "truncated in the body: Content-Length beyond the datagram")
case("truncated_headers", full[:cut], "400", "NO_END", "ok",
     "truncated in the header section, mandatory headers all there")
case("truncated_early", full[:full.index(b"From:")], "drop", "NO_CALL_ID", "ok",
     "truncated after Via: nothing to answer with")
case("no_call_id", invite(drop=[b"Call-ID"]), "drop", "NO_CALL_ID", "ok",
     "no Call-ID [insuf style]")
case("no_via", invite(drop=[b"Via"]), "drop", "NO_VIA", "ok", "no Via")
case("bad_via", invite(drop=[b"Via"], extra=[b"Via: SIP/2.0/UDP"]),
     "drop", "NO_VIA", "ok", "a Via without sent-by: no address to answer")
case("dup_clen", invite(extra=[b"Content-Length: 5"]), "400", "CLEN_DUP", "ok",
     "two Content-Length headers (lenient: the first wins)")
case("neg_clen", invite(clen=False, extra=[b"Content-Length: -999"]), "400", "CLEN", "ok",
     "negative Content-Length [ncl]")
case("huge_clen", invite(clen=False, extra=[b"Content-Length: 4294967295"]), "400", "BODY_SHORT", "ok",
     "huge Content-Length (lenient: the body is what is there)")
case("overflow_clen", invite(clen=False, extra=[b"Content-Length: 99999999999999999999"]), "400", "CLEN", "ok",
     "Content-Length beyond 32 bits [scalar02 style]")
case("header_100k", invite(extra=[b"Subject: " + b"x" * 102400]), "513", "TOO_LARGE", "ok",
     "a 100 KB header: the message exceeds 64 KiB")
case("header_10k", invite(extra=[b"Subject: " + b"y" * 10240]), "400", "LINE_TOO_LONG", "ok",
     "a 10 KB header line (over 8 KiB) in a message under 64 KiB")
case("nul_bytes", invite(extra=[b"Subject: nul\x00here"]), "400", "NUL", "ok",
     "a NUL byte in a header value")
rnd = random.Random(3261)
case("binary_garbage", bytes(rnd.randrange(256) for _ in range(600)).replace(b"\n", b"\x01"),
     "drop", "-", "notsip", "600 random bytes")
case("crlf_only", b"\r\n\r\n", "drop", "NOT_SIP", "notsip", "a keep-alive alone")
case("empty", b"", "drop", "NOT_SIP", "notsip", "an empty datagram")
case("sip30", invite(start=b"INVITE " + ruri() + b" SIP/3.0"), "505", "VERSION", "ok",
     "SIP/3.0 [badvers style]")
case("bad_version_syntax", invite(start=b"INVITE " + ruri() + b" SIP/2"), "400", "START_LINE", "notsip",
     "a version that is not SIP/d.d (lenient: no line looks like a start line)")
case("cseq_mismatch", invite(drop=[b"CSeq"], extra=[b"CSeq: 1 BYE"]), "400", "CSEQ_METHOD", "ok",
     "CSeq method differs from the request's [mismatch01]")
case("cseq_overflow", invite(drop=[b"CSeq"], extra=[b"CSeq: 36893488147419103232 INVITE"]),
     "400", "BAD_CSEQ", "ok", "CSeq number beyond 2^31 [scalar02]")
case("cseq_empty", invite(drop=[b"CSeq"], extra=[b"CSeq:"]), "drop", "NO_CSEQ", "ok",
     "empty CSeq")
case("max_forwards_300", invite(drop=[b"Max-Forwards"], extra=[b"Max-Forwards: 300"]),
     "400", "MAX_FORWARDS", "ok", "Max-Forwards above 255 [scalar02]")
case("dup_call_id", invite(extra=[b"Call-ID: second@127.0.0.1"]), "400", "DUP_HDR", "ok",
     "two Call-IDs (lenient: the first wins) [multi01]")
case("quotbal", invite(drop=[b"From"], extra=[b"From: \"Bob <sip:bob@example.com>;tag=1"]),
     "400", "BAD_FROM", "ok", "unterminated quote in From [quotbal]")
case("ltgt_ruri", invite(start=b"INVITE <" + ruri() + b"> SIP/2.0"), "400", "REQUEST_URI", "ok",
     "<> around the Request-URI [ltgtruri]")
case("lws_ruri", invite(start=b"INVITE sip:user@example.com; lr SIP/2.0"), "400", "REQUEST_URI", "ok",
     "whitespace inside the Request-URI [lwsruri]")
case("lws_start", invite(start=b"INVITE  sip:user@example.com  SIP/2.0"), "400", "REQUEST_URI", "ok",
     "several spaces between start-line fields [lwsstart]")
case("trailing_ws_start", invite(start=b"INVITE " + ruri() + b" SIP/2.0 "), "400", "START_LINE", "ok",
     "trailing space after the version [trws]")
case("bad_method_token", invite(start=b"INV@ITE " + ruri() + b" SIP/2.0"), "400", "METHOD", "notsip",
     "a method that is not a token (lenient: not a start line)")
case("bare_lf", invite().replace(b"\r\n", b"\n"), "400", "BARE_LF", "ok",
     "lines ended by LF alone")
case("junk_before", b"hello there\r\n" + invite(), "400", "START_LINE", "ok",
     "junk line before the start line (lenient skips it)")
case("too_many_headers", invite(extra=[b"X-H%d: %d" % (i, i) for i in range(200)]),
     "400", "TOO_MANY_HDRS", "ok", "200 extension headers (limit 128)")
case("header_no_colon", invite(extra=[b"This line has no colon"]), "400", "HDR_SYNTAX", "ok",
     "a header line without a colon")
case("big_code_response", msg(b"SIP/2.0 4294967301 better not break the receiver", [
    b"Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-t1",
    b"From: <sip:a@127.0.0.1>;tag=1", b"To: <sip:b@127.0.0.1>;tag=2",
    b"Call-ID: bigcode-1", b"CSeq: 1 INVITE"]), "drop", "BAD_RESPONSE", "ok",
    "a response with a 10-digit status code [bigcode]")
case("response_sip10", msg(b"SIP/1.0 200 OK", [
    b"Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-t1",
    b"From: <sip:a@127.0.0.1>;tag=1", b"To: <sip:b@127.0.0.1>;tag=2",
    b"Call-ID: v10-1", b"CSeq: 1 INVITE"]), "drop", "BAD_RESPONSE", "ok",
    "a response in another version: dropped")


def main():
    for f in os.listdir(HERE):
        if f.endswith(".sip"):
            os.unlink(os.path.join(HERE, f))
    with open(os.path.join(HERE, "torture.tsv"), "w") as t:
        t.write("# file\tstrict\terr\tlenient\tnote (generated by gen_torture.py)\n")
        for name, data, strict, err, lenient, note in CASES:
            with open(os.path.join(HERE, name), "wb") as f:
                f.write(data)
            t.write("\t".join([name, strict, err, lenient, note]) + "\n")


if __name__ == "__main__":
    main()
