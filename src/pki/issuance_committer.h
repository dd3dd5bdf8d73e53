// Group commit for the CA's issuance (issue 15): several issuers — threads signing
// certificates at once — record them durably with one transaction, and so one fsync, per group
// instead of one per certificate.
//
// The scheme is leveldb's write queue (DBImpl::Write): each caller queues its certificate and
// waits; the caller at the head of the queue becomes the leader, takes every certificate queued
// behind it (up to max_group) into one CaStore::RecordIssuedGroup transaction, and wakes the
// others with their results. While it commits, the next certificates queue up and form the
// next group, so the groups grow with the load and a lone issuer commits alone, at once. A
// leader that finds fewer callers queued than its predecessor committed waits for them a little
// (max_delay), so that issuers signing meanwhile join its group rather than the next one.
//
// Record() returns only after the certificate and its event are committed: a certificate is
// never handed out before it is durable. A group that fails (a duplicate serial in it) is
// retried one certificate at a time, so one bad row fails only its own caller.
//
// Thread-safety: Record() may be called from any number of threads; the committer owns its
// store (one connection, used by one leader at a time).
#ifndef MYNACERT_PKI_ISSUANCE_COMMITTER_H_
#define MYNACERT_PKI_ISSUANCE_COMMITTER_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>

#include "core/result.h"
#include "pki/ca_store.h"

namespace mynacert::pki {

struct IssuanceCommitterOptions {
  size_t max_group = 256;  // certificates per transaction at most
  // How long a leader may wait for the callers it expects (as many as the last group had) before
  // it commits with fewer: PostgreSQL's commit_delay, made adaptive. Issuers that alternate
  // between signing and waiting otherwise split into two half groups, each paying a whole
  // commit. A lone issuer never waits (its last group was 1); 0 commits at once, always.
  std::chrono::microseconds max_delay{2000};
  // Tests only: called by a leader with its group formed, before it commits.
  std::function<void(size_t group_size)> before_commit;
};

class IssuanceCommitter {
 public:
  explicit IssuanceCommitter(std::unique_ptr<CaStore> store,
                             IssuanceCommitterOptions options = {});
  IssuanceCommitter(const IssuanceCommitter&) = delete;
  IssuanceCommitter& operator=(const IssuanceCommitter&) = delete;

  // Records `cert` (CaStore::RecordIssued) in the next group; returns when it is committed.
  Status Record(const IssuedCert& cert, std::string_view actor);

  struct Stats {
    int64_t records = 0;  // certificates committed
    int64_t commits = 0;  // transactions that committed them
  };
  Stats stats() const;
  size_t queued() const;  // callers waiting (tests)

 private:
  struct Writer;

  std::unique_ptr<CaStore> store_;
  const IssuanceCommitterOptions options_;
  mutable std::mutex mu_;
  std::deque<Writer*> writers_;  // the head is the leader or the next one
  size_t expected_ = 1;          // the last group's size
  Stats stats_;
};

}  // namespace mynacert::pki

#endif  // MYNACERT_PKI_ISSUANCE_COMMITTER_H_
