# Installing and packaging (cmake/install.cmake, packaging/): the man pages
# and docs agree with every --help (unit), an installed copy runs outside the
# checkout (integration), the .deb installs and runs in a clean Debian 12
# chroot (slow; root and Debian's mirror needed, else skipped).
if(TARGET rb_helpdoc)
  file(GLOB rb_doc_mds ${CMAKE_SOURCE_DIR}/docs/*.md)
  add_test(NAME helpdoc_options
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/cmake/rb_helpdoc.py check
      --prog ringbench=$<TARGET_FILE:ringbench> secretaryd=$<TARGET_FILE:secretaryd>
      --man ${CMAKE_BINARY_DIR}/man/ringbench.1 ${CMAKE_BINARY_DIR}/man/secretaryd.8
      --docs ${CMAKE_SOURCE_DIR}/README.md ${rb_doc_mds} ${CMAKE_SOURCE_DIR}/scenarios/README.md
             ${CMAKE_SOURCE_DIR}/scenarios/sipp/README.md)
  set_tests_properties(helpdoc_options PROPERTIES LABELS unit TIMEOUT 60)
endif()

add_test(NAME install_run COMMAND bash ${CMAKE_SOURCE_DIR}/tests/integration/install_run.sh
  ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(install_run PROPERTIES LABELS integration TIMEOUT 120)

add_test(NAME deb_chroot COMMAND bash ${CMAKE_SOURCE_DIR}/tests/deb_chroot.sh
  ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(deb_chroot PROPERTIES LABELS slow TIMEOUT 1800 SKIP_RETURN_CODE 77)
