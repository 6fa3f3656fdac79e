# secretaryd's e-mailed call reports (issue 4), not the gnuplot reports of
# reports/: the tenant rules, the report message, its spool and delivery,
# the admin interface, and the service that ties them to the center.
# docs/secretaryd-reports.md.
#   tenant_rules     answering names, mobile policy, test calls, changes (Q6-Q10)
#   callreport_mail  the call report as an RFC 5322 message
#   spool            the durable report queue and its delivery (Maildir, SMTP)
rb_module(tenant_rules SOURCES tenant_rules.c tenant_rules_put.c tenant_rules_hist.c
  DEPS scn base PkgConfig::JANSSON)
rb_module(callreport_mail SOURCES callreport_mail.c DEPS tenant_rules base)
rb_module(spool SOURCES spool.c spool_file.c deliver_maildir.c deliver_smtp.c
  DEPS base PkgConfig::CURL Threads::Threads)
#   http_admin    the admin HTTP server: /metrics, /api/state, /wallboard, PUT
rb_module(http_admin SOURCES http_admin.c http_wallboard.c
  DEPS base PkgConfig::MHD PkgConfig::UV)
#   callreport    all of the above beside the center: hooks, reload, PUT,
#                 metrics, the report latencies (callreport_db, through sqlq)
rb_module(callreport SOURCES callreport.c callreport_stats.c callreport_db.c
  DEPS center sqlq tenant_rules callreport_mail spool http_admin PkgConfig::JANSSON PkgConfig::SQLITE)
