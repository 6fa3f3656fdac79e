# The Debian package (`cd build && cpack -G DEB`): ringbench_<version>_<arch>.deb.
# Configure with -DCMAKE_INSTALL_PREFIX=/usr for it: the package installs
# under the build's prefix, so that the paths compiled in (RB_DATADIR) and
# written into the unit (ExecStart) are the installed ones.
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  message(STATUS "cpack -G DEB: the package will install under ${CMAKE_INSTALL_PREFIX}; "
    "configure with -DCMAKE_INSTALL_PREFIX=/usr for a Debian package")
endif()

# Debian's changelog and copyright files (lintian wants both, compressed changelog).
set(rb_deb_doc ${CMAKE_BINARY_DIR}/packaging/deb-doc)
# A Debian revision (-1): the package is made apart from the upstream
# source, so it is not a "native" package (lintian: changelog.Debian.gz).
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
string(TIMESTAMP rb_deb_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
string(TIMESTAMP rb_deb_year "%Y" UTC)
configure_file(${CMAKE_SOURCE_DIR}/packaging/deb/copyright.in ${rb_deb_doc}/copyright @ONLY)
file(WRITE ${rb_deb_doc}/changelog.Debian
  "ringbench (${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}) unstable; urgency=medium\n\n"
  "  * Package built from the source tree with CPack.\n\n"
  " -- ringbench maintainers <ringbench@example.org>  ${rb_deb_date}\n")
add_custom_command(OUTPUT ${rb_deb_doc}/changelog.Debian.gz
  COMMAND gzip -9nf -k ${rb_deb_doc}/changelog.Debian
  DEPENDS ${rb_deb_doc}/changelog.Debian)
add_custom_target(rb_deb_doc ALL DEPENDS ${rb_deb_doc}/changelog.Debian.gz)
install(FILES ${rb_deb_doc}/copyright ${rb_deb_doc}/changelog.Debian.gz
  DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT deb EXCLUDE_FROM_ALL)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/deb/lintian-overrides
  DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME ringbench COMPONENT deb EXCLUDE_FROM_ALL)

set(CPACK_PACKAGE_NAME ringbench)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "ringbench maintainers <ringbench@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "load-testing simulator for telephone answering services")
set(CPACK_PACKAGE_DESCRIPTION
  "ringbench checks whether a telephone answering center meets its ring
targets (answered within 3 rings, 5 when busy) under a load given in a
scenario file, in a discrete-event model or live over SIP with SIPp and a
packet capture, and how many operators it takes. It ships secretaryd, a
reference answering center over SIP, with a systemd unit.")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
# One package of every component: the default one and the Debian-only files
# (COMPONENT deb, left out of a plain `cmake --install`).
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_COMPONENTS_ALL Unspecified deb)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.org/ringbench")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The programs it runs: SIPp (live), gnuplot (report, sweep), the zone data
# (the scenarios' local times), setcap (live capture without root); useradd
# (passwd) makes secretaryd's user in postinst.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "sip-tester, gnuplot-nox, tzdata, libcap2-bin, passwd")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "man-db, bash-completion")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${CMAKE_SOURCE_DIR}/packaging/deb/postinst
  ${CMAKE_SOURCE_DIR}/packaging/deb/prerm
  ${CMAKE_SOURCE_DIR}/packaging/deb/postrm
  ${CMAKE_BINARY_DIR}/packaging/deb/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
file(WRITE ${CMAKE_BINARY_DIR}/packaging/deb/conffiles
  "${CMAKE_INSTALL_FULL_SYSCONFDIR}/default/secretaryd\n"
  "${CMAKE_INSTALL_FULL_SYSCONFDIR}/secretaryd/scenario.yaml\n")
include(CPack)
