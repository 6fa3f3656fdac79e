# Tests of `ringbench analyze` (issue 5): unit tests of the packet layers and
# the call tracker, the command on the project's own captures, tshark as the
# reference for every call's times and outcome, the capture fuzzer's seeds.

# The generator of tests/data/pcap/edge_*.pcap (they are committed; rerun it
# with `build/rb_mkpcap tests/data/pcap` after changing it).
add_executable(rb_mkpcap ${CMAKE_SOURCE_DIR}/tests/tools/mkpcap.c)
target_link_libraries(rb_mkpcap PRIVATE PkgConfig::PCAP)

rb_check(pktdec SOURCES tests/check_pktdec.c DEPS analyze LABELS unit TIMEOUT 60)
rb_check(dlg SOURCES tests/check_dlg.c DEPS analyze LABELS unit TIMEOUT 60)
rb_check(capture SOURCES tests/check_capture.c DEPS analyze LABELS unit TIMEOUT 60)
rb_check(analyze SOURCES tests/check_analyze.c DEPS analyze LABELS integration TIMEOUT 120)

# Every test capture against tshark's fields (to the microsecond). The
# captures below must also give exactly this many calls, to tshark and to
# ringbench alike: keys alike for hundreds of characters are distinct calls,
# a challenged INVITE sent again is the same call, and no call is lost to
# its framing.
set(rb_pcap_calls_edge_longtags 2)   # From tags differing after 248 characters
set(rb_pcap_calls_edge_longcallid 2) # 500-character Call-IDs differing in the last
set(rb_pcap_calls_edge_challenge 3)  # 407s resent 30 s and 90 s later, answered; a 407 alone
set(rb_pcap_calls_edge_pppoe 6)      # PPPoE sessions: IPv4, IPv6, behind 802.1Q
set(rb_pcap_calls_edge_mpls 6)       # MPLS: 1 label IPv4, 3 IPv6, 802.1Q + 2
set(rb_pcap_calls_edge_compact 6)    # compact headers, UDP and TCP split in two
find_program(RB_TSHARK tshark)
if(RB_TSHARK)
  file(GLOB rb_test_pcaps ${CMAKE_SOURCE_DIR}/tests/data/pcap/*.pcap)
  foreach(f ${rb_test_pcaps})
    get_filename_component(n ${f} NAME_WE)
    set(rb_count --min-calls 1)
    if(DEFINED rb_pcap_calls_${n})
      set(rb_count --calls ${rb_pcap_calls_${n}})
    endif()
    add_test(NAME analyze_tshark_${n}
      COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/tools/tshark_calls.py
              $<TARGET_FILE:ringbench> ${f} ${rb_count})
    set_tests_properties(analyze_tshark_${n} PROPERTIES LABELS integration TIMEOUT 120)
  endforeach()
endif()

# libFuzzer over whole capture files (fuzz/fuzz.cmake's rb_fuzzer: the seeds
# always run as a unit test; with -DRB_FUZZ=ON the fuzzer itself).
if(COMMAND rb_fuzzer)
  rb_fuzzer(capture SOURCES fuzz/fuzz_capture.c DEPS analyze SECONDS 60)
endif()

# Live capture on lo with SIPp (root and sipp needed, else skipped).
add_test(NAME analyze_live COMMAND bash ${CMAKE_SOURCE_DIR}/tests/tools/analyze_live.sh
         $<TARGET_FILE:ringbench>)
set_tests_properties(analyze_live PROPERTIES LABELS integration TIMEOUT 120 SKIP_RETURN_CODE 77)
