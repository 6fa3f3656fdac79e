# sipmsg: the SIP message layer (parser, framer, value helpers, builders),
# shared by secretaryd (strict mode) and the capture analyzer (lenient mode).
rb_module(sipmsg SOURCES sipmsg.c sipmsg_hdr.c sipmsg_val.c sipmsg_frame.c sipmsg_build.c
  sipmsg_scan.c)
rb_check(sipmsg SOURCES tests/check_sipmsg.c DEPS sipmsg LABELS unit TIMEOUT 60)
rb_check(sipmsg_scan SOURCES tests/check_sipmsg_scan.c DEPS sipmsg LABELS unit TIMEOUT 120)
