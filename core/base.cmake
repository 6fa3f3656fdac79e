# base: time, rings, logging: what every other module uses.
rb_module(base SOURCES rbtime.c ring.c log.c cli.c tzone.c sharedir.c errbuf.c rbfile.c csvtab.c callrec.c)
# sharedir.c: the shipped files, installed (RB_DATADIR) or in this source tree.
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/sharedir.c PROPERTIES COMPILE_DEFINITIONS
  "RB_DATADIR=\"${CMAKE_INSTALL_FULL_DATADIR}/ringbench\";RB_TREE_DATADIR=\"${CMAKE_SOURCE_DIR}\"")
rb_check(ring SOURCES tests/check_ring.c DEPS base LABELS unit)
rb_check(tzone SOURCES tests/check_tzone.c DEPS base LABELS unit TIMEOUT 120)
rb_check(sharedir SOURCES tests/check_sharedir.c DEPS base LABELS unit TIMEOUT 30)
