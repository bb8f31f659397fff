// The main of every test program: orphaned descendants are reparented to the test
// process, so the leak checks see a terraform whose parent died.

#include <gtest/gtest.h>
#include <sys/prctl.h>

int main(int argc, char** argv) {
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
