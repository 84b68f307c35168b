// HttpPoster against real receivers on loopback (tests/support/
// receiver_server.hpp). Assertions are on outcomes, on what the receivers
// saw and on the order of completions; the only clocks are the request
// timeouts themselves, kept short.
#include "gateway/forwarding/http_poster.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/receiver_server.hpp"
#include "tests/support/temp_dir.hpp"

namespace gateway::forwarding {
namespace {

using carebridge::test::ReceiverReply;
using carebridge::test::ReceiverServer;
using carebridge::test::TempDir;
using Failure = HttpPoster::Failure;
using Outcome = HttpPoster::Outcome;

// Hangs last "forever" as far as a test goes; tests release() them or
// the receiver's destructor ends them.
constexpr int kLongHangMs = 30'000;
constexpr std::int64_t kShortTimeoutMs = 300;

// Outcomes in completion order, by tag. Declare it before the poster: the
// poster's thread may still be in a callback until the poster is gone.
class Completions {
 public:
  HttpPoster::Callback make(std::string tag) {
    return [this, tag = std::move(tag)](Outcome o) {
      {
        std::lock_guard lock(mu_);
        order_.push_back(tag);
        outcomes_[tag] = std::move(o);
      }
      cv_.notify_all();
    };
  }
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(15), [&] { return order_.size() >= n; });
  }
  std::vector<std::string> order() {
    std::lock_guard lock(mu_);
    return order_;
  }
  Outcome of(const std::string& tag) {
    std::lock_guard lock(mu_);
    return outcomes_.at(tag);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> order_;         // guarded by mu_
  std::map<std::string, Outcome> outcomes_;  // guarded by mu_
};

HttpPoster::Request post(std::string url, std::string body = "{}", std::int64_t timeout_ms = 5'000) {
  HttpPoster::Request r;
  r.url = std::move(url);
  r.body = std::move(body);
  r.content_type = "application/fhir+json";
  r.timeout_ms = timeout_ms;
  r.connect_timeout_ms = 2'000;
  return r;
}

HttpPoster::Settings settings(std::size_t per_host = 4, std::size_t total = 64) {
  HttpPoster::Settings s;
  s.max_per_host = per_host;
  s.max_total = total;
  return s;
}

TEST(HttpPoster, DeliversBodyAndHeadersExactly) {
  ReceiverServer receiver;
  Completions done;
  HttpPoster poster(settings());
  const std::string body = R"({"resourceType":"Bundle","type":"history","entry":[]})";
  auto req = post(receiver.url("/fhir/hook?sub=7"), body);
  req.headers = {{"Authorization", "Bearer s3cret"}, {"X-Request-Id", "abc-123"}, {"X-Empty", ""}};
  ASSERT_TRUE(poster.submit(req, done.make("a")));
  ASSERT_TRUE(done.wait_for(1));

  Outcome o = done.of("a");
  EXPECT_TRUE(o.ok()) << o.error;
  EXPECT_EQ(o.http_status, 200);
  EXPECT_EQ(o.error, "");
  EXPECT_FALSE(o.redirected);
  auto seen = receiver.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/fhir/hook?sub=7");
  EXPECT_EQ(seen[0].body, body);
  EXPECT_EQ(seen[0].header("Content-Type"), "application/fhir+json");
  EXPECT_EQ(seen[0].header("Content-Length"), std::to_string(body.size()));
  EXPECT_EQ(seen[0].header("Authorization"), "Bearer s3cret");
  EXPECT_EQ(seen[0].header("X-Request-Id"), "abc-123");
  EXPECT_TRUE(seen[0].has_header("X-Empty"));
  EXPECT_EQ(seen[0].header("X-Empty"), "");
  EXPECT_FALSE(seen[0].has_header("Expect"));
}

TEST(HttpPoster, ServerErrorIsAFailureWithItsStatus) {
  ReceiverServer receiver;
  receiver.on("/hook", ReceiverReply::answer(500, "database on fire"));
  Completions done;
  HttpPoster poster(settings());
  ASSERT_TRUE(poster.submit(post(receiver.url("/hook")), done.make("a")));
  ASSERT_TRUE(done.wait_for(1));

  Outcome o = done.of("a");
  EXPECT_FALSE(o.ok());
  EXPECT_EQ(o.failure, Failure::status);
  EXPECT_EQ(o.http_status, 500);
  EXPECT_EQ(o.error, "endpoint answered 500");
  EXPECT_EQ(o.error.find("fire"), std::string::npos) << "the body never reaches the error";
}

TEST(HttpPoster, RedirectIsReportedNotFollowed) {
  ReceiverServer receiver;
  receiver.on("/hook", ReceiverReply::redirect(302, receiver.url("/elsewhere")));
  Completions done;
  HttpPoster poster(settings());
  ASSERT_TRUE(poster.submit(post(receiver.url("/hook")), done.make("a")));
  ASSERT_TRUE(done.wait_for(1));

  Outcome o = done.of("a");
  EXPECT_FALSE(o.ok());
  EXPECT_EQ(o.failure, Failure::redirect);
  EXPECT_EQ(o.http_status, 302);
  EXPECT_TRUE(o.redirected);
  EXPECT_EQ(o.error, "redirect not followed");
  // Had curl followed, it would have asked before the callback ran.
  EXPECT_EQ(receiver.count("/elsewhere"), 0u);
  EXPECT_EQ(receiver.connections_accepted(), 1);
}

TEST(HttpPoster, HangingEndpointTimesOutWithoutDelayingAnother) {
  ReceiverServer slow;
  ReceiverServer fast;
  slow.on("/hook", ReceiverReply::hang(kLongHangMs));
  Completions done;
  HttpPoster poster(settings());
  ASSERT_TRUE(poster.submit(post(slow.url("/hook"), "{}", kShortTimeoutMs), done.make("slow")));
  ASSERT_TRUE(slow.wait_for_requests(1));  // the slow one is in flight, hanging
  ASSERT_TRUE(poster.submit(post(fast.url("/hook")), done.make("fast")));
  ASSERT_TRUE(done.wait_for(2));

  EXPECT_EQ(done.order(), (std::vector<std::string>{"fast", "slow"}));
  EXPECT_TRUE(done.of("fast").ok());
  Outcome o = done.of("slow");
  EXPECT_EQ(o.failure, Failure::timeout);
  EXPECT_EQ(o.http_status, 0);
  EXPECT_NE(o.error, "");
  EXPECT_GT(o.elapsed_ms, 0);
}

TEST(HttpPoster, PerHostCapBoundsOpenConnectionsAndKeepsOrder) {
  ReceiverServer receiver;
  receiver.on("/hook", ReceiverReply::hang(kLongHangMs));
  Completions done;
  HttpPoster poster(settings(/*per_host=*/2));
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(poster.submit(post(receiver.url("/hook"), std::to_string(i)), done.make(std::to_string(i))));

  // Waves of two, released by the test: each wave is the next two in
  // submission order, and no third connection opens while two hang.
  const std::vector<std::set<std::string>> waves = {{"0", "1"}, {"2", "3"}, {"4"}};
  std::size_t seen = 0;
  for (const auto& wave : waves) {
    seen += wave.size();
    ASSERT_TRUE(receiver.wait_for_requests(seen));
    auto reqs = receiver.requests();
    std::set<std::string> bodies;
    for (std::size_t i = seen - wave.size(); i < reqs.size(); ++i) bodies.insert(reqs[i].body);
    EXPECT_EQ(bodies, wave);
    EXPECT_LE(receiver.open_connections(), 2);
    receiver.release();
  }
  ASSERT_TRUE(done.wait_for(5));
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(done.of(std::to_string(i)).ok()) << i;
  EXPECT_EQ(receiver.max_open_connections(), 2);
  EXPECT_EQ(receiver.connections_accepted(), 5);
}

TEST(HttpPoster, EachPoolHasItsOwnSlotsOnASharedHost) {
  ReceiverServer receiver;
  receiver.on("/hook", ReceiverReply::hang(kLongHangMs));
  Completions done;
  HttpPoster poster(settings(/*per_host=*/1));
  const std::vector<std::string> pools = {"partner-a", "partner-a", "partner-b"};
  for (std::size_t i = 0; i < pools.size(); ++i) {
    HttpPoster::Request r = post(receiver.url("/hook"), pools[i]);
    r.pool = pools[i];
    ASSERT_TRUE(poster.submit(std::move(r), done.make(std::to_string(i))));
  }
  // partner-b's request starts beside partner-a's first; partner-a's second waits.
  ASSERT_TRUE(receiver.wait_for_requests(2));
  std::multiset<std::string> bodies;
  for (const auto& r : receiver.requests()) bodies.insert(r.body);
  EXPECT_EQ(bodies, (std::multiset<std::string>{"partner-a", "partner-b"}));
  receiver.release();
  ASSERT_TRUE(receiver.wait_for_requests(3));
  receiver.release();
  ASSERT_TRUE(done.wait_for(3));
  EXPECT_EQ(receiver.max_open_connections(), 2);
}

TEST(HttpPoster, GlobalCapQueuesOtherHosts) {
  ReceiverServer busy;
  ReceiverServer other;
  busy.on("/hook", ReceiverReply::hang(kLongHangMs));
  Completions done;
  HttpPoster poster(settings(/*per_host=*/4, /*total=*/1));
  // The busy host holds the only slot until its timeout; the other host,
  // fast as it is, must wait for the slot.
  ASSERT_TRUE(poster.submit(post(busy.url("/hook"), "{}", kShortTimeoutMs), done.make("busy")));
  ASSERT_TRUE(busy.wait_for_requests(1));
  ASSERT_TRUE(poster.submit(post(other.url("/hook")), done.make("other")));
  ASSERT_TRUE(done.wait_for(2));
  EXPECT_EQ(done.order(), (std::vector<std::string>{"busy", "other"}));
  EXPECT_EQ(done.of("busy").failure, Failure::timeout);
  EXPECT_TRUE(done.of("other").ok());
}

// A port bound but not listening: connecting is refused, deterministically.
class RefusingPort {
 public:
  RefusingPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    socklen_t len = sizeof addr;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~RefusingPort() { ::close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(HttpPoster, ConnectionRefusedIsAConnectFailure) {
  RefusingPort nobody;
  Completions done;
  HttpPoster poster(settings());
  ASSERT_TRUE(poster.submit(post(nobody.url()), done.make("a")));
  ASSERT_TRUE(done.wait_for(1));
  Outcome o = done.of("a");
  EXPECT_EQ(o.failure, Failure::connect);
  EXPECT_EQ(o.http_status, 0);
  EXPECT_NE(o.error, "");
}

TEST(HttpPoster, ClosedWithoutAnswerIsATransportFailure) {
  ReceiverServer receiver;
  receiver.on("/hook", ReceiverReply::close());
  Completions done;
  HttpPoster poster(settings());
  ASSERT_TRUE(poster.submit(post(receiver.url("/hook")), done.make("a")));
  ASSERT_TRUE(done.wait_for(1));
  Outcome o = done.of("a");
  EXPECT_EQ(o.failure, Failure::transport);
  EXPECT_EQ(o.http_status, 0);
  EXPECT_EQ(receiver.count("/hook"), 1u);
}

TEST(HttpPoster, LongResponseBodyIsCutOffNotAFailure) {
  ReceiverServer receiver;
  receiver.on("/hook", ReceiverReply::answer(200, std::string(4 << 20, 'x')));
  auto s = settings();
  s.max_response_bytes = 1024;
  Completions done;
  HttpPoster poster(s);
  ASSERT_TRUE(poster.submit(post(receiver.url("/hook")), done.make("a")));
  ASSERT_TRUE(done.wait_for(1));
  Outcome o = done.of("a");
  EXPECT_TRUE(o.ok()) << o.error;
  EXPECT_EQ(o.http_status, 200);
}

TEST(HttpPoster, UnusableRequestsAreRejectedUnsent) {
  ReceiverServer receiver;
  Completions done;
  HttpPoster poster(settings());
  auto smuggler = post(receiver.url("/hook"));
  smuggler.headers = {{"X-Note", "a\r\nX-Injected: 1"}};
  auto bad_name = post(receiver.url("/hook"));
  bad_name.headers = {{"X Note", "a"}};
  ASSERT_TRUE(poster.submit(post("ftp://127.0.0.1/hook"), done.make("ftp")));
  ASSERT_TRUE(poster.submit(post("file:///etc/passwd"), done.make("file")));
  ASSERT_TRUE(poster.submit(post("not a url"), done.make("garbage")));
  ASSERT_TRUE(poster.submit(smuggler, done.make("crlf")));
  ASSERT_TRUE(poster.submit(bad_name, done.make("name")));
  ASSERT_TRUE(done.wait_for(5));
  for (const char* tag : {"ftp", "file", "garbage", "crlf", "name"}) {
    EXPECT_EQ(done.of(tag).failure, Failure::rejected) << tag;
    EXPECT_NE(done.of(tag).error, "") << tag;
  }
  EXPECT_EQ(receiver.connections_accepted(), 0);
}

TEST(HttpPoster, StopFailsWhatIsPendingAndRefusesMore) {
  ReceiverServer receiver;
  receiver.on("/hook", ReceiverReply::hang(kLongHangMs));
  Completions done;
  HttpPoster poster(settings(/*per_host=*/1));
  for (const char* tag : {"in-flight", "queued-1", "queued-2"})
    ASSERT_TRUE(poster.submit(post(receiver.url("/hook"), "{}", 20'000), done.make(tag)));
  ASSERT_TRUE(receiver.wait_for_requests(1));

  poster.stop();  // joins: every callback has run when it returns
  auto order = done.order();
  ASSERT_EQ(order.size(), 3u);
  for (const auto& tag : order) {
    EXPECT_EQ(done.of(tag).failure, Failure::shutdown) << tag;
    EXPECT_EQ(done.of(tag).error, "shutting down") << tag;
  }
  EXPECT_FALSE(poster.submit(post(receiver.url("/hook")), done.make("late")));
  poster.stop();  // idempotent
  EXPECT_EQ(receiver.count("/hook"), 1u);
}

TEST(HttpPoster, CallbackMaySubmitTheNextDelivery) {
  ReceiverServer receiver;
  Completions done;
  HttpPoster poster(settings());
  auto second = done.make("second");
  auto first = done.make("first");
  ASSERT_TRUE(poster.submit(post(receiver.url("/one")), [&, first, second](Outcome o) {
    first(o);
    EXPECT_TRUE(poster.submit(post(receiver.url("/two")), second));
  }));
  ASSERT_TRUE(done.wait_for(2));
  EXPECT_EQ(done.order(), (std::vector<std::string>{"first", "second"}));
  EXPECT_TRUE(done.of("second").ok());
  EXPECT_EQ(receiver.count("/two"), 1u);
}


// --- TLS: verification is on, whatever the caller does -------------------

struct FreePkey {
  void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
struct FreeX509 {
  void operator()(X509* x) const noexcept { X509_free(x); }
};
struct FreeSslCtx {
  void operator()(SSL_CTX* c) const noexcept { SSL_CTX_free(c); }
};
struct FreeSsl {
  void operator()(SSL* s) const noexcept { SSL_free(s); }
};

// A self-signed certificate naming `san` ("IP:127.0.0.1",
// "DNS:other.example"), and the same as a PEM file to trust.
struct SelfSigned {
  std::unique_ptr<EVP_PKEY, FreePkey> key;
  std::unique_ptr<X509, FreeX509> cert;
  std::string pem_path;

  SelfSigned(const char* san, const TempDir& dir) {
    key.reset(EVP_EC_gen("P-256"));
    cert.reset(X509_new());
    X509* x = cert.get();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, key.get());
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("carebridge test receiver"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
    for (auto [nid, value] : {std::pair{NID_subject_alt_name, san}, std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
      X509_add_ext(x, ext, -1);
      X509_EXTENSION_free(ext);
    }
    X509_sign(x, key.get(), EVP_sha256());
    pem_path = (dir.path() / (std::string(san).substr(4) + ".pem")).string();
    FILE* f = std::fopen(pem_path.c_str(), "w");
    PEM_write_X509(f, x);
    std::fclose(f);
  }
};

// An https endpoint for one connection: handshake, read one request,
// answer 200. delivered() says whether a request got through.
class TlsReceiver {
 public:
  explicit TlsReceiver(const SelfSigned& id) : ctx_(SSL_CTX_new(TLS_server_method())) {
    SSL_CTX_use_certificate(ctx_.get(), id.cert.get());
    SSL_CTX_use_PrivateKey(ctx_.get(), id.key.get());
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    socklen_t len = sizeof addr;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 4);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve_one(); });
  }
  ~TlsReceiver() {
    wait();
    ::close(fd_);
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  bool delivered() const { return delivered_; }
  void wait() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  void serve_one() {
    // OpenSSL writes with write(2): a client that hung up (as a refusing
    // one does) would raise SIGPIPE. Blocked in this thread only, so a
    // SIGPIPE from the poster would still end the test run.
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 10'000) <= 0) return;
    int conn = ::accept(fd_, nullptr, nullptr);
    timeval tv{10, 0};  // the test's own bound
    ::setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::unique_ptr<SSL, FreeSsl> ssl(SSL_new(ctx_.get()));
    SSL_set_fd(ssl.get(), conn);
    if (SSL_accept(ssl.get()) == 1) {
      std::string got;
      char buf[4096];
      int n;
      while (got.find("\r\n\r\n{}") == std::string::npos && (n = SSL_read(ssl.get(), buf, sizeof buf)) > 0)
        got.append(buf, static_cast<std::size_t>(n));
      if (got.find("\r\n\r\n{}") != std::string::npos) {
        delivered_ = true;
        const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        SSL_write(ssl.get(), ok.data(), static_cast<int>(ok.size()));
        SSL_shutdown(ssl.get());
      }
    }
    ERR_clear_error();
    ::close(conn);
  }

  std::unique_ptr<SSL_CTX, FreeSslCtx> ctx_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> delivered_{false};
  std::thread thread_;
};

TEST(HttpPoster, SelfSignedPartnerIsRefusedByDefault) {
  TempDir dir;
  SelfSigned id("IP:127.0.0.1", dir);
  TlsReceiver partner(id);
  Completions done;
  HttpPoster poster(settings());  // the system's CAs
  ASSERT_TRUE(poster.submit(post(partner.url()), done.make("a")));
  ASSERT_TRUE(done.wait_for(1));
  partner.wait();
  EXPECT_EQ(done.of("a").failure, Failure::tls) << done.of("a").error;
  EXPECT_FALSE(partner.delivered());
}

TEST(HttpPoster, TrustedPartnerIsDeliveredOverTls) {
  TempDir dir;
  SelfSigned id("IP:127.0.0.1", dir);
  TlsReceiver partner(id);
  auto s = settings();
  s.ca_bundle = id.pem_path;
  Completions done;
  HttpPoster poster(s);
  ASSERT_TRUE(poster.submit(post(partner.url()), done.make("a")));
  ASSERT_TRUE(done.wait_for(1));
  partner.wait();
  EXPECT_TRUE(done.of("a").ok()) << done.of("a").error;
  EXPECT_EQ(done.of("a").http_status, 200);
  EXPECT_TRUE(partner.delivered());
}

TEST(HttpPoster, CertificateForAnotherHostIsRefused) {
  TempDir dir;
  SelfSigned id("DNS:other.example", dir);  // trusted, but not 127.0.0.1's
  TlsReceiver partner(id);
  auto s = settings();
  s.ca_bundle = id.pem_path;
  Completions done;
  HttpPoster poster(s);
  ASSERT_TRUE(poster.submit(post(partner.url()), done.make("a")));
  ASSERT_TRUE(done.wait_for(1));
  partner.wait();
  EXPECT_EQ(done.of("a").failure, Failure::tls) << done.of("a").error;
  EXPECT_FALSE(partner.delivered());
}

}  // namespace
}  // namespace gateway::forwarding
