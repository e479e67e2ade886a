// The pieces of a string between separators, as a lazy range of views:
// `flat_map(line -> split(line, " "))` compiles to a loop over a SplitRange,
// so no list of words is ever built. Semantics match stdlib split (Python's
// str.split(sep)): empty pieces are kept, an empty string gives one piece.
#pragma once

#include <cstring>
#include <iterator>
#include <string_view>

#include "streamc/runtime/values.hpp"

namespace streamc::rt {

class SplitRange {
 public:
  SplitRange(std::string_view text, std::string_view sep) : text_(text), sep_(sep) {
    if (sep_.empty()) throw RecordError("split: empty separator");
    if (!text_.data()) text_ = std::string_view("", 0);  // a default view: begin and end must be one buffer
  }

  class iterator {
   public:
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::input_iterator_tag;

    iterator() = default;
    iterator(const SplitRange* r, const char* begin) : range_(r), begin_(begin) { find_end(); }

    std::string_view operator*() const { return {begin_, static_cast<size_t>(end_ - begin_)}; }
    iterator& operator++() {
      const char* stop = range_->text_.data() + range_->text_.size();
      if (end_ == stop) {
        begin_ = nullptr;  // that was the last piece
      } else {
        begin_ = end_ + range_->sep_.size();
        find_end();
      }
      return *this;
    }
    void operator++(int) { ++*this; }
    bool operator==(const iterator& o) const { return begin_ == o.begin_; }

   private:
    void find_end() {
      const char* stop = range_->text_.data() + range_->text_.size();
      size_t left = static_cast<size_t>(stop - begin_);
      if (range_->sep_.size() == 1) {
        const void* hit = left ? std::memchr(begin_, range_->sep_[0], left) : nullptr;
        end_ = hit ? static_cast<const char*>(hit) : stop;
      } else {
        std::string_view rest(begin_, left);
        size_t pos = rest.find(range_->sep_);
        end_ = pos == std::string_view::npos ? stop : begin_ + pos;
      }
    }
    const SplitRange* range_ = nullptr;
    const char* begin_ = nullptr;
    const char* end_ = nullptr;
  };

  iterator begin() const { return iterator(this, text_.data()); }
  iterator end() const { return iterator(); }

 private:
  friend class iterator;
  std::string_view text_;
  std::string_view sep_;
};

}  // namespace streamc::rt
