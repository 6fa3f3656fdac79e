# secretaryd's e-mailed call reports (issue 4), not the gnuplot reports of
# reports/: the report message, and the service that ties the tenant rules
# (../tenant_rules/), the spool and its delivery (../mail/) and the admin
# interface (../http/) to the center. docs/secretaryd-reports.md.
#   callreport_mail  the call report as an RFC 5322 message
rb_module(callreport_mail SOURCES callreport_mail.c DEPS tenant_rules base)
#   callreport    all of these beside the center: hooks, reload, PUT,
#                 metrics, the report latencies (callreport_db, through sqlq),
#                 a person's report posted (callreport_post)
rb_module(callreport SOURCES callreport.c callreport_stats.c callreport_db.c callreport_post.c
  DEPS center sqlq tenant_rules callreport_mail spool http_admin rbjson PkgConfig::JANSSON PkgConfig::SQLITE)
