// The command line of the trainer tools (train.cpp, live_sweep.cpp): `--key value` pairs read one at a time, each
// value as text, a number, a whole number, a share or a positive number, refused with the option's name through the
// tool's fail(). Not a general parser: every option takes a value, and each tool keeps its own options and defaults.
#pragma once
#include <cstddef>
#include <cstdlib>
#include <string>

// --bpe's default: the asset this build made (CMake's attn_train_tool sets it), else a file in the working directory.
#ifndef ATTN_GPT2_ASSET_DEFAULT
#define ATTN_GPT2_ASSET_DEFAULT "gpt2-bpe.bin"
#endif

namespace attn::tools {

class OptionReader {
 public:
  /// The tool's fail(): prints "<tool>: message" and exits.
  using Fail = void (*)(const std::string& message);

  OptionReader(int argc, char** argv, Fail fail) : argc_(argc), argv_(argv), fail_(fail) {}

  /// Moves to the next `--key value` pair; false after the last. A key without a value fails.
  bool next() {
    if (at_ >= argc_) return false;
    key_ = argv_[at_];
    if (at_ + 1 >= argc_) fail_("option " + key_ + " needs a value");
    value_ = argv_[at_ + 1];
    at_ += 2;
    char* end = nullptr;
    number_ = std::strtod(value_.c_str(), &end);
    numeric_ = !value_.empty() && *end == '\0' && number_ >= 0;
    return true;
  }

  const std::string& key() const { return key_; }
  const std::string& text() const { return value_; }
  /// A number ≥ 0.
  double number() const {
    if (!numeric_) fail_(key_ + " needs a number, given '" + value_ + "'");
    return number_;
  }
  /// A whole number ≥ 0.
  std::size_t whole() const {
    if (!numeric_ || number_ != double(std::size_t(number_))) fail_(key_ + " needs a whole number, given '" + value_ + "'");
    return std::size_t(number_);
  }
  /// A number in [0, 1].
  double share() const {
    if (!numeric_ || number_ > 1) fail_(key_ + " needs a share in [0, 1]");
    return number_;
  }
  /// A number > 0.
  double positive() const {
    if (!numeric_ || number_ <= 0) fail_(key_ + " needs a positive number");
    return number_;
  }

 private:
  int argc_, at_ = 1;
  char** argv_;
  Fail fail_;
  std::string key_, value_;
  double number_ = 0;
  bool numeric_ = false;
};

}  // namespace attn::tools
