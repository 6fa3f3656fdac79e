# secretaryd's reports: unit tests of the pieces (tenant rules, the e-mailed
# call report, its spool, the admin interface).
rb_check(tenant_rules SOURCES tests/check_tenant_rules.c DEPS tenant_rules LABELS unit TIMEOUT 60)
rb_check(callreport_mail SOURCES tests/check_callreport_mail.c DEPS callreport_mail LABELS unit TIMEOUT 60)
rb_check(callreport SOURCES tests/check_callreport.c DEPS callreport LABELS unit TIMEOUT 60)
rb_check(spool SOURCES tests/check_spool.c DEPS spool LABELS unit TIMEOUT 60)
rb_check(http_admin SOURCES tests/check_http_admin.c DEPS http_admin PkgConfig::CURL LABELS unit TIMEOUT 60)
# Integration tests with SIPp, aiosmtpd, curl and Chromium on
# 127.0.0.1 (each bounded in time).
if(TARGET secretaryd)
  rb_script_tests(PREFIX reports_ ARG $<TARGET_FILE:secretaryd> TIMEOUT 180
    NAMES maildir rules smtp wallboard person)
endif()
