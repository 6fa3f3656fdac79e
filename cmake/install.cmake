# Installing ringbench (GNUInstallDirs; `cmake --install build`) and its
# Debian package (`cpack -G DEB` in build/): the programs, the shipped
# scenarios and SIPp flows (DATADIR/ringbench, where the installed ringbench
# looks: core/sharedir.h), the documents, man pages and bash completion made
# from the programs' own --help at build time (cmake/rb_helpdoc.py), and
# secretaryd's systemd unit.
#
# The plots' gnuplot scripts are written by reports/ for each report: there
# are no template files to install.

find_package(Python3 COMPONENTS Interpreter)
set(rb_helpdoc ${CMAKE_SOURCE_DIR}/cmake/rb_helpdoc.py)

# ringbench runs ringbench-full from its own folder (cmake/ringbench_exe.cmake):
# both in BINDIR.
install(TARGETS ringbench ringbench-full secretaryd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# DATADIR/ringbench/scenarios mirrors scenarios/ (suites name their scenarios
# relative to themselves, and `ringbench report` looks for scenarios/NAME.yaml).
file(GLOB rb_scenarios ${CMAKE_SOURCE_DIR}/scenarios/*.yaml ${CMAKE_SOURCE_DIR}/scenarios/*.csv)
install(FILES ${rb_scenarios} ${CMAKE_SOURCE_DIR}/scenarios/README.md
  DESTINATION ${CMAKE_INSTALL_DATADIR}/ringbench/scenarios)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/scenarios/sipp ${CMAKE_SOURCE_DIR}/scenarios/suites
  DESTINATION ${CMAKE_INSTALL_DATADIR}/ringbench/scenarios)

# The documents keep the repository's layout (README.md links docs/*.md).
file(GLOB rb_docs ${CMAKE_SOURCE_DIR}/docs/*.md ${CMAKE_SOURCE_DIR}/docs/*.json)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${rb_docs} DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)

# Man pages and bash completion, generated from --help (one source of truth).
set(rb_man_dir ${CMAKE_BINARY_DIR}/man)
set(rb_man_pages ringbench.1 secretaryd.8 ringbench-scenario.5)
set(rb_gen_outputs)
if(Python3_FOUND)
  foreach(page ${rb_man_pages})
    configure_file(${CMAKE_SOURCE_DIR}/docs/man/${page}.in ${rb_man_dir}/${page}.in @ONLY)
    string(REGEX MATCH "[0-9]$" sect ${page})
    add_custom_command(OUTPUT ${rb_man_dir}/${page} ${rb_man_dir}/${page}.gz
      COMMAND ${Python3_EXECUTABLE} ${rb_helpdoc} man ${rb_man_dir}/${page}.in ${rb_man_dir}/${page}
              --prog ringbench=$<TARGET_FILE:ringbench> secretaryd=$<TARGET_FILE:secretaryd>
      COMMAND gzip -9nf -k ${rb_man_dir}/${page}
      DEPENDS ${rb_man_dir}/${page}.in ${rb_helpdoc} ringbench ringbench-full secretaryd
              ${CMAKE_SOURCE_DIR}/scenarios/README.md
      COMMENT "man page ${page} from --help")
    install(FILES ${rb_man_dir}/${page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man${sect})
    list(APPEND rb_gen_outputs ${rb_man_dir}/${page})
  endforeach()
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/completion/ringbench
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/completion
    COMMAND ${Python3_EXECUTABLE} ${rb_helpdoc} completion ${CMAKE_BINARY_DIR}/completion/ringbench
            --prog ringbench=$<TARGET_FILE:ringbench>
    DEPENDS ${rb_helpdoc} ringbench ringbench-full
    COMMENT "bash completion from ringbench's --help")
  list(APPEND rb_gen_outputs ${CMAKE_BINARY_DIR}/completion/ringbench)
  # ringbench-full is ringbench with every command in one program: its page
  # is ringbench's (a roff .so link)
  file(WRITE ${rb_man_dir}/ringbench-full.1 ".so man1/ringbench.1\n")
  add_custom_command(OUTPUT ${rb_man_dir}/ringbench-full.1.gz
    COMMAND gzip -9nf -k ${rb_man_dir}/ringbench-full.1
    DEPENDS ${rb_man_dir}/ringbench-full.1
    COMMENT "man page ringbench-full.1")
  install(FILES ${rb_man_dir}/ringbench-full.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  list(APPEND rb_gen_outputs ${rb_man_dir}/ringbench-full.1.gz)
  add_custom_target(rb_helpdoc ALL DEPENDS ${rb_gen_outputs})
  install(FILES ${CMAKE_BINARY_DIR}/completion/ringbench
    DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
else()
  message(WARNING "python3 not found: no man pages or bash completion (Debian: python3)")
endif()

# secretaryd as a service: its unit, its user (sysusers.d), its scenario and
# options under SYSCONFDIR (/etc for the prefix /usr: always FULL, so that
# a DESTDIR install stays inside DESTDIR). The unit goes to lib/systemd/system under the prefix
# (/usr/lib/systemd/system in the package; systemd also reads
# /usr/local/lib/systemd/system).
configure_file(${CMAKE_SOURCE_DIR}/packaging/secretaryd.service.in
  ${CMAKE_BINARY_DIR}/packaging/secretaryd.service @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/packaging/secretaryd.service
  DESTINATION lib/systemd/system)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/secretaryd.sysusers
  DESTINATION lib/sysusers.d RENAME secretaryd.conf)
install(FILES ${CMAKE_SOURCE_DIR}/scenarios/morning-burst.yaml
  DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/secretaryd RENAME scenario.yaml)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/secretaryd.default
  DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/default RENAME secretaryd)

include(${CMAKE_SOURCE_DIR}/packaging/cpack.cmake)
