#include "gateway/forwarding/http_poster.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string_view>
#include <thread>
#include <unordered_map>

namespace gateway::forwarding {
namespace {

using Clock = std::chrono::steady_clock;

// The longest the thread sleeps in curl_multi_poll; curl's own timers and a
// wakeup from submit()/stop() end it sooner, so this only bounds a missed
// wakeup.
constexpr int kMaxWaitMs = 1000;
constexpr const char* kShuttingDown = "shutting down";

struct CleanupEasy {
  void operator()(CURL* e) const noexcept { curl_easy_cleanup(e); }
};
using EasyHandle = std::unique_ptr<CURL, CleanupEasy>;
struct CleanupMulti {
  void operator()(CURLM* m) const noexcept { curl_multi_cleanup(m); }
};
using MultiHandle = std::unique_ptr<CURLM, CleanupMulti>;
struct FreeSlist {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};
using HeaderList = std::unique_ptr<curl_slist, FreeSlist>;
struct CleanupUrl {
  void operator()(CURLU* u) const noexcept { curl_url_cleanup(u); }
};
using UrlHandle = std::unique_ptr<CURLU, CleanupUrl>;
struct FreeCurlText {
  void operator()(char* s) const noexcept { curl_free(s); }
};
using CurlText = std::unique_ptr<char, FreeCurlText>;

void init_curl_once() {
  // libcurl 7.84+ built "threadsafe" (Debian's is) makes this safe to race
  // with other users; a function-local static runs it once for us anyway.
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)rc;
}

std::string url_part(CURLU* u, CURLUPart part, unsigned flags) {
  char* raw = nullptr;
  if (curl_url_get(u, part, &raw, flags) != CURLUE_OK) return {};
  CurlText text(raw);
  return text ? std::string(text.get()) : std::string();
}

// "https://host:443": the key of the per-host cap. Empty with *why set when
// the URL is not one we send to.
std::string host_key(const std::string& url, std::string* why) {
  UrlHandle u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    *why = "invalid URL";
    return {};
  }
  std::string scheme = url_part(u.get(), CURLUPART_SCHEME, 0);
  if (scheme != "http" && scheme != "https") {
    *why = "scheme not allowed (http or https only)";
    return {};
  }
  std::string host = url_part(u.get(), CURLUPART_HOST, 0);
  std::string port = url_part(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (host.empty() || port.empty()) {
    *why = "invalid URL";
    return {};
  }
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
  return scheme + "://" + host + ":" + port;
}

// A header line we build must stay one line: a CR or LF in a name or value
// would let it smuggle headers (or a second request) onto the wire.
bool header_ok(const std::pair<std::string, std::string>& h) {
  if (h.first.empty()) return false;
  for (unsigned char c : h.first)
    if (c <= ' ' || c == ':' || c >= 0x7f) return false;
  return h.second.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos;
}

HttpPoster::Failure classify(CURLcode rc) {
  using F = HttpPoster::Failure;
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT: return F::timeout;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return F::connect;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS: return F::tls;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT: return F::rejected;
    default: return F::transport;
  }
}

HttpPoster::Outcome failed(HttpPoster::Failure f, std::string error) {
  HttpPoster::Outcome o;
  o.failure = f;
  o.error = std::move(error);
  return o;
}

}  // namespace

const char* to_string(HttpPoster::Failure f) {
  using F = HttpPoster::Failure;
  switch (f) {
    case F::none: return "none";
    case F::status: return "status";
    case F::redirect: return "redirect";
    case F::timeout: return "timeout";
    case F::connect: return "connect";
    case F::tls: return "tls";
    case F::transport: return "transport";
    case F::rejected: return "rejected";
    case F::shutdown: return "shutdown";
  }
  return "unknown";
}

struct HttpPoster::Impl {
  struct Pending {
    Request request;
    Callback done;
    std::string host;  // host_key()
  };
  struct Transfer {
    Pending pending;
    EasyHandle easy;
    HeaderList headers;
    Clock::time_point started;
    std::size_t body_bytes = 0;
    std::size_t body_cap = 0;
    bool body_capped = false;  // we stopped reading: not a failure
    char errbuf[CURL_ERROR_SIZE] = {};
  };
  struct Host {
    std::deque<Pending> queued;  // FIFO: a partner's deliveries leave in order
    std::size_t active = 0;
  };

  explicit Impl(Settings s) : settings(std::move(s)) {
    settings.max_per_host = std::max<std::size_t>(settings.max_per_host, 1);
    settings.max_total = std::max<std::size_t>(settings.max_total, 1);
    init_curl_once();
    multi.reset(curl_multi_init());
    if (multi) thread = std::thread([this] { run(); });
  }

  bool submit(Request request, Callback done) {
    std::lock_guard lock(mu);
    if (stopping || !multi) return false;
    incoming.push_back(Pending{std::move(request), std::move(done), {}});
    // Under mu: stop() cannot have let the multi handle go meanwhile.
    curl_multi_wakeup(multi.get());
    return true;
  }

  void stop() {
    {
      std::lock_guard lock(mu);
      stopping = true;
      if (multi) curl_multi_wakeup(multi.get());
    }
    if (std::this_thread::get_id() == thread.get_id()) return;  // from a callback
    std::lock_guard lock(join_mu);
    if (thread.joinable()) thread.join();
  }

  void run();
  void enqueue(Pending p);
  void start_ready();
  std::map<std::string, Host>::iterator next_host();
  void start(Pending p);
  int reap();
  void release(const std::string& host);
  void shut_down();
  static size_t on_body(char* data, size_t size, size_t n, void* user);
  static Outcome outcome_of(Transfer& t, CURLcode rc);

  Settings settings;  // read-only after construction
  MultiHandle multi;  // the handle's API: poster thread only; wakeup: any (under mu)
  std::mutex mu;
  std::vector<Pending> incoming;  // guarded by mu
  bool stopping = false;          // guarded by mu
  std::mutex join_mu;             // two stop()s must not both join
  std::thread thread;

  // Poster thread only.
  std::map<std::string, Host> hosts;  // ordered: round-robin by key
  std::string last_started;           // the round-robin cursor
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> active;
};

void HttpPoster::Impl::run() {
  for (;;) {
    std::vector<Pending> fresh;
    bool stop_now;
    {
      std::lock_guard lock(mu);
      fresh.swap(incoming);
      stop_now = stopping;
    }
    for (auto& p : fresh) enqueue(std::move(p));
    if (stop_now) return shut_down();
    start_ready();
    int running = 0;
    curl_multi_perform(multi.get(), &running);
    // Finished transfers free slots: fill them before sleeping.
    if (reap() > 0) continue;
    curl_multi_poll(multi.get(), nullptr, 0, kMaxWaitMs, nullptr);
  }
}

void HttpPoster::Impl::enqueue(Pending p) {
  std::string why;
  p.host = host_key(p.request.url, &why);
  if (p.host.empty()) return p.done(failed(Failure::rejected, why));
  if (!p.request.pool.empty()) p.host = p.request.pool + "\n" + p.host;  // its own slots
  if (!std::all_of(p.request.headers.begin(), p.request.headers.end(), header_ok) ||
      p.request.content_type.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
    return p.done(failed(Failure::rejected, "invalid header"));
  hosts[p.host].queued.push_back(std::move(p));
}

// The next host, after the last one served, with work and a free slot.
std::map<std::string, HttpPoster::Impl::Host>::iterator HttpPoster::Impl::next_host() {
  auto eligible = [this](const auto& kv) {
    return !kv.second.queued.empty() && kv.second.active < settings.max_per_host;
  };
  auto from = hosts.upper_bound(last_started);
  auto it = std::find_if(from, hosts.end(), eligible);
  if (it != hosts.end()) return it;
  it = std::find_if(hosts.begin(), from, eligible);
  return it == from ? hosts.end() : it;
}

void HttpPoster::Impl::start_ready() {
  while (active.size() < settings.max_total) {
    auto it = next_host();
    if (it == hosts.end()) return;
    Pending p = std::move(it->second.queued.front());
    it->second.queued.pop_front();
    ++it->second.active;
    last_started = it->first;
    start(std::move(p));
  }
}

void HttpPoster::Impl::start(Pending p) {
  auto t = std::make_unique<Transfer>();
  t->pending = std::move(p);
  t->body_cap = settings.max_response_bytes;
  t->easy.reset(curl_easy_init());
  const Request& r = t->pending.request;
  CURL* e = t->easy.get();

  curl_slist* list = nullptr;
  auto add = [&](const std::string& line) {
    if (curl_slist* grown = curl_slist_append(list, line.c_str())) list = grown;
  };
  if (!r.content_type.empty()) add("Content-Type: " + r.content_type);
  // "Name:" alone would tell curl to drop a header; "Name;" sends it empty.
  for (const auto& [name, value] : r.headers) add(value.empty() ? name + ";" : name + ": " + value);
  add("Expect:");  // no 100-continue round trip (and its 1 s wait) on large bodies
  t->headers.reset(list);

  // Zero means "no limit" to curl: never let a zero through.
  const long timeout = static_cast<long>(std::max<std::int64_t>(r.timeout_ms, 1));
  const long connect_timeout = static_cast<long>(std::max<std::int64_t>(r.connect_timeout_ms, 1));

  bool ok = e != nullptr;
  auto check = [&ok](CURLcode rc) { ok = ok && rc == CURLE_OK; };
  if (ok) {
    check(curl_easy_setopt(e, CURLOPT_URL, r.url.c_str()));
    check(curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size())));
    check(curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data()));
    check(curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers.get()));
    check(curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https"));
    check(curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"));
    check(curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L));
    check(curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L));
    check(curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L));
    if (!settings.ca_bundle.empty()) check(curl_easy_setopt(e, CURLOPT_CAINFO, settings.ca_bundle.c_str()));
    // "" disables proxies, including http_proxy/https_proxy from the environment.
    check(curl_easy_setopt(e, CURLOPT_PROXY, settings.proxy.c_str()));
    check(curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout));
    check(curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout));
    // Signals are process-wide; a timeout must never raise one at us.
    check(curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L));
    check(curl_easy_setopt(e, CURLOPT_USERAGENT, "CareBridge-forwarder"));
    check(curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Impl::on_body));
    check(curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get()));
    check(curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf));
    check(curl_easy_setopt(e, CURLOPT_PRIVATE, t.get()));
  }
  if (!ok) {
    auto done = std::move(t->pending.done);
    release(t->pending.host);
    return done(failed(Failure::rejected, "transfer could not be set up"));
  }
  t->started = Clock::now();
  if (curl_multi_add_handle(multi.get(), e) != CURLM_OK) {
    auto done = std::move(t->pending.done);
    release(t->pending.host);
    return done(failed(Failure::transport, "transfer could not be started"));
  }
  active.emplace(e, std::move(t));
}

size_t HttpPoster::Impl::on_body(char*, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  if (t->body_bytes + len > t->body_cap) {
    t->body_capped = true;
    return 0;  // curl aborts the transfer (CURLE_WRITE_ERROR); outcome_of forgives it
  }
  t->body_bytes += len;
  return len;
}

HttpPoster::Outcome HttpPoster::Impl::outcome_of(Transfer& t, CURLcode rc) {
  Outcome o;
  long status = 0;
  curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &status);
  o.http_status = static_cast<int>(status);
  o.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t.started).count();
  o.redirected = status >= 300 && status < 400;
  if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && t.body_capped)) {
    o.failure = classify(rc);
    // curl's message names the host and the cause, never the body or headers.
    o.error = t.errbuf[0] != '\0' ? std::string(t.errbuf) : std::string(curl_easy_strerror(rc));
  } else if (o.redirected) {
    o.failure = Failure::redirect;
    o.error = "redirect not followed";
  } else if (status < 200 || status >= 300) {
    o.failure = Failure::status;
    o.error = "endpoint answered " + std::to_string(status);
  }
  return o;
}

int HttpPoster::Impl::reap() {
  int finished = 0;
  int left = 0;
  while (CURLMsg* m = curl_multi_info_read(multi.get(), &left)) {
    if (m->msg != CURLMSG_DONE) continue;
    // m dies with remove_handle: copy what we need first.
    CURL* e = m->easy_handle;
    const CURLcode rc = m->data.result;
    auto it = active.find(e);
    if (it == active.end()) continue;
    std::unique_ptr<Transfer> t = std::move(it->second);
    active.erase(it);
    curl_multi_remove_handle(multi.get(), e);
    Outcome o = outcome_of(*t, rc);
    release(t->pending.host);
    t->pending.done(std::move(o));
    ++finished;
  }
  return finished;
}

void HttpPoster::Impl::release(const std::string& host) {
  auto it = hosts.find(host);
  if (it == hosts.end()) return;
  if (it->second.active > 0) --it->second.active;
  if (it->second.active == 0 && it->second.queued.empty()) hosts.erase(it);
}

void HttpPoster::Impl::shut_down() {
  // Collect first, call after: a callback may submit() (refused now) and
  // must not see half-torn state.
  std::vector<std::pair<Callback, std::int64_t>> failing;
  for (auto& [e, t] : active) {
    curl_multi_remove_handle(multi.get(), e);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t->started).count();
    failing.emplace_back(std::move(t->pending.done), ms);
  }
  active.clear();
  for (auto& [key, host] : hosts)
    for (auto& p : host.queued) failing.emplace_back(std::move(p.done), 0);
  hosts.clear();
  for (auto& [done, ms] : failing) {
    Outcome o = failed(Failure::shutdown, kShuttingDown);
    o.elapsed_ms = ms;
    done(std::move(o));
  }
}

HttpPoster::HttpPoster(Settings settings) : impl_(std::make_unique<Impl>(std::move(settings))) {}

HttpPoster::~HttpPoster() { stop(); }

bool HttpPoster::submit(Request request, Callback done) { return impl_->submit(std::move(request), std::move(done)); }

void HttpPoster::stop() { impl_->stop(); }

}  // namespace gateway::forwarding
