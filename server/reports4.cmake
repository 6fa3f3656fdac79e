# secretaryd part 2 (issue 4): call reports, the tenant rules, the admin
# interface (metrics, state, wallboard). docs/secretaryd-reports.md.
#   tenant_rules  answering names, mobile policy, test calls, changes (Q6-Q10)
#   report_mail   the call report as an RFC 5322 message
#   spool         the durable report queue and its delivery (Maildir, SMTP)
rb_module(tenant_rules SOURCES tenant_rules.c tenant_rules_put.c tenant_rules_hist.c
  DEPS scn base PkgConfig::JANSSON)
rb_module(report_mail SOURCES report_mail.c DEPS tenant_rules base)
rb_module(spool SOURCES spool.c spool_file.c deliver_maildir.c deliver_smtp.c
  DEPS base PkgConfig::CURL Threads::Threads)
#   http_admin    the admin HTTP server: /metrics, /api/state, /wallboard, PUT
rb_module(http_admin SOURCES http_admin.c http_wallboard.c
  DEPS base PkgConfig::MHD PkgConfig::UV)
#   report_svc    all of the above beside the center: hooks, reload, PUT, metrics
rb_module(report_svc SOURCES report_svc.c report_stats.c report_cdr.c
  DEPS center tenant_rules report_mail spool http_admin PkgConfig::JANSSON PkgConfig::SQLITE)
