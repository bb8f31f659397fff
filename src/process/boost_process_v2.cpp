// The compiled part of Boost.Process v2, built once for the whole library (1.81's
// header-only mode does not link).
#include <boost/process/v2/src.hpp>
