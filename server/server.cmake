# secretaryd: the reference answering center (issue 3; part 2 adds reports,
# tenant rules and HTTP). The logic is the `center` library so tests link it;
# secretaryd.c holds main() alone.
#   sqlq: the queued SQLite writer of the CDRs and the report latencies
rb_module(sqlq SOURCES sqlq.c DEPS base PkgConfig::SQLITE Threads::Threads)
rb_module(center SOURCES stimer.c sip_transport.c sip_tsx.c center.c cdr.c queue_log.c
  DEPS sqlq sipmsg dispatch scn results rv evq base PkgConfig::UV PkgConfig::SQLITE Threads::Threads)
#   datadir: the default data directory ($STATE_DIRECTORY, /var/lib, XDG)
rb_module(datadir SOURCES datadir.c)
add_executable(secretaryd ${CMAKE_CURRENT_LIST_DIR}/secretaryd.c)
target_link_libraries(secretaryd PRIVATE rb_callreport rb_center rb_datadir)
