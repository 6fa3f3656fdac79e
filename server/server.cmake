# secretaryd: the reference answering center. The logic is the `center`
# library so tests link it; secretaryd.c holds main() alone. The center's
# SIP stack is in sip/, the center itself and its records in center/;
# docs/layout.md maps the folders.
#   sqlq: the queued SQLite writer of the CDRs and the report latencies
rb_module(sqlq SOURCES center/sqlq.c DEPS rbjson base PkgConfig::SQLITE Threads::Threads)
rb_module(center SOURCES sip/stimer.c sip/sip_transport.c sip/sip_tsx.c center/center.c center/cdr.c
  center/queue_log.c center/center_ops.c sip/sip_reinv.c
  DEPS sqlq registrar opleg sipmsg dispatch scn results rv evq base PkgConfig::UV PkgConfig::SQLITE Threads::Threads)
#   datadir: the default data directory ($STATE_DIRECTORY, /var/lib, XDG)
rb_module(datadir SOURCES datadir.c)
add_executable(secretaryd ${CMAKE_CURRENT_LIST_DIR}/secretaryd.c)
target_link_libraries(secretaryd PRIVATE rb_callreport rb_center rb_datadir)
