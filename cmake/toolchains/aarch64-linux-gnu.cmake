# CMake toolchain for AArch64 Linux cross builds with Debian's g++-aarch64-linux-gnu; tests run under qemu-user.
# Catch2 for arm64 is looked up under ATTN_AARCH64_DEPS (tools/fetch-aarch64-deps.sh unpacks it there).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
get_filename_component(attn_repo "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
set(ATTN_AARCH64_DEPS "${attn_repo}/.deps/aarch64" CACHE PATH "dpkg -x root of arm64 packages (Catch2)")
list(APPEND CMAKE_FIND_ROOT_PATH "${ATTN_AARCH64_DEPS}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Static binaries: qemu-aarch64 runs them with no sysroot to point at.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64)
