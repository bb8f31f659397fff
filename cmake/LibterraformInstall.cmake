# install(): the library, its headers, and a CMake package:
#   find_package(libterraform CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE libterraform::libterraform)
include(CMakePackageConfigHelpers)

set(LIBTERRAFORM_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/libterraform)

# Components, one Debian package each (cmake/LibterraformPackaging.cmake): runtime (the
# shared library), dev (everything to build against it) and tfrun (tools/).
install(TARGETS libterraform EXPORT libterraformTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime NAMELINK_COMPONENT dev
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/libterraform
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
install(FILES ${PROJECT_BINARY_DIR}/include/libterraform/export.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/libterraform COMPONENT dev)
install(EXPORT libterraformTargets
  NAMESPACE libterraform::
  DESTINATION ${LIBTERRAFORM_CMAKE_DIR} COMPONENT dev)

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/libterraformConfig.cmake.in
  ${PROJECT_BINARY_DIR}/libterraformConfig.cmake
  INSTALL_DESTINATION ${LIBTERRAFORM_CMAKE_DIR})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/libterraformConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/libterraformConfig.cmake
  ${PROJECT_BINARY_DIR}/libterraformConfigVersion.cmake
  DESTINATION ${LIBTERRAFORM_CMAKE_DIR} COMPONENT dev)

# pkg-config, for builds without CMake:
#   g++ app.cpp $(pkg-config --cflags --libs libterraform)
# A static archive needs what the library links privately too; a shared library
# carries those itself.
if(BUILD_SHARED_LIBS)
  set(LIBTERRAFORM_PC_CFLAGS "")
  set(LIBTERRAFORM_PC_LIBS "-pthread")
  set(LIBTERRAFORM_PC_LIBS_PRIVATE "-lboost_filesystem")
else()
  set(LIBTERRAFORM_PC_CFLAGS "-DLIBTERRAFORM_STATIC_DEFINE")
  set(LIBTERRAFORM_PC_LIBS "-lboost_filesystem -pthread")
  set(LIBTERRAFORM_PC_LIBS_PRIVATE "")
endif()
file(RELATIVE_PATH LIBTERRAFORM_PC_PREFIX "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
string(REGEX REPLACE "/$" "" LIBTERRAFORM_PC_PREFIX "${LIBTERRAFORM_PC_PREFIX}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/libterraform.pc.in
  ${PROJECT_BINARY_DIR}/libterraform.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/libterraform.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)
