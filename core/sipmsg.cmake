# sipmsg: the SIP message layer (parser, framer, value helpers, builders),
# shared by secretaryd (strict mode) and the capture analyzer (lenient mode).
rb_module(sipmsg SOURCES sipmsg.c sipmsg_hdr.c sipmsg_val.c sipmsg_frame.c sipmsg_build.c
  sipmsg_scan.c)
# The analyzer's per-message scan at -O3 in optimised builds: measured on
# bench/analyze's million-call capture, about 5 % less CPU for the whole
# run than at -O2 (its line walk and value readers inlined and unrolled).
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/sipmsg_scan.c PROPERTIES
  COMPILE_OPTIONS "$<$<CONFIG:Release,RelWithDebInfo>:-O3>")
rb_check(sipmsg SOURCES tests/check_sipmsg.c DEPS sipmsg LABELS unit TIMEOUT 60)
rb_check(sipmsg_scan SOURCES tests/check_sipmsg_scan.c DEPS sipmsg LABELS unit TIMEOUT 120)
