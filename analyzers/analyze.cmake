# analyze: `ringbench analyze`, SIP calls from captures (libpcap); see
# analyzers/analyze.h and docs/analyze.md. Tests and the capture fuzzer are
# declared in tests/analyze.cmake (after every module exists).
rb_module(analyze SOURCES htab.c astats.c pktdec.c tcpre.c dlg.c capmap.c capture.c anl.c analyze_run.c
  DEPS results scn sipmsg base PkgConfig::PCAP PkgConfig::JANSSON)
rb_tool_lib(analyze)
