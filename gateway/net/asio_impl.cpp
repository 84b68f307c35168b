// Asio and Beast are compiled once, here (STYLE.md, build hygiene): every
// other file includes only the headers it uses, with
// BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION set
// PUBLIC on this target so all translation units agree.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
