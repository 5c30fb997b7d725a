#pragma once
/// \file atomic_file.h
/// Output files that are either the old complete file or the new complete file, never a
/// truncated mix: written under a temporary name in the same folder, flushed to disk and
/// renamed over the target (rename is atomic within a file system). A killed process or a
/// full disk leaves at most a `<name>.tmp-<pid>` file beside the target.

#include <filesystem>
#include <string_view>

#include "churnwatch/status.h"

namespace churnwatch {

/// Writes `content` to `path` atomically (see above). kIOError naming the path and the
/// system's reason when the temporary cannot be written or renamed; the target is then
/// unchanged and the temporary removed.
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view content);

/// The temporary name WriteFileAtomically and streaming writers use for `path`.
std::filesystem::path TemporaryPathFor(const std::filesystem::path& path);

}  // namespace churnwatch
