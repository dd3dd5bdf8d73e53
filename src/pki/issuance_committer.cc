#include "pki/issuance_committer.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace mynacert::pki {

struct IssuanceCommitter::Writer {
  CaStore::Issuance issuance;
  Status status;
  bool done = false;
  std::condition_variable cv;
};

IssuanceCommitter::IssuanceCommitter(std::unique_ptr<CaStore> store,
                                     IssuanceCommitterOptions options)
    : store_(std::move(store)), options_(std::move(options)) {}

Status IssuanceCommitter::Record(const IssuedCert& cert, std::string_view actor) {
  Writer w;
  w.issuance = CaStore::Issuance{&cert, actor};
  std::unique_lock lock(mu_);
  writers_.push_back(&w);
  // A leader waiting for its group (below) counts the callers that arrive.
  if (writers_.size() > 1) writers_.front()->cv.notify_one();
  while (!w.done && &w != writers_.front()) w.cv.wait(lock);
  if (w.done) return std::move(w.status);  // a leader committed it

  const size_t expect = std::min(expected_, options_.max_group);
  if (writers_.size() < expect && options_.max_delay.count() > 0) {
    w.cv.wait_for(lock, options_.max_delay, [&] { return writers_.size() >= expect; });
  }

  // The leader: the group is everything queued now, in order, up to max_group.
  std::vector<Writer*> group;
  std::vector<CaStore::Issuance> issuances;
  for (Writer* q : writers_) {
    if (group.size() == options_.max_group) break;
    group.push_back(q);
    issuances.push_back(q->issuance);
  }
  lock.unlock();  // the next callers queue behind the group while it commits

  if (options_.before_commit) options_.before_commit(group.size());
  std::vector<Status> results(group.size());
  int64_t commits = 0;
  Status all = store_->RecordIssuedGroup(issuances);
  if (all.ok()) {
    commits = 1;
  } else if (group.size() == 1) {
    results[0] = std::move(all);
  } else {
    // One bad row must not fail the others: each alone, each with its own answer.
    for (size_t i = 0; i < group.size(); ++i) {
      results[i] = store_->RecordIssuedGroup(std::span(&issuances[i], 1));
      if (results[i].ok()) ++commits;
    }
  }

  lock.lock();
  for (size_t i = 0; i < group.size(); ++i) {
    if (results[i].ok()) ++stats_.records;
    writers_.pop_front();
    Writer* q = group[i];
    if (q == &w) continue;
    q->status = std::move(results[i]);
    q->done = true;
    q->cv.notify_one();
  }
  stats_.commits += commits;
  expected_ = group.size();
  if (!writers_.empty()) writers_.front()->cv.notify_one();  // the next leader
  return std::move(results[0]);
}

IssuanceCommitter::Stats IssuanceCommitter::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

size_t IssuanceCommitter::queued() const {
  std::lock_guard lock(mu_);
  return writers_.size();
}

}  // namespace mynacert::pki
