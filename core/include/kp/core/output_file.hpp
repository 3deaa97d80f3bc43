#pragma once
/// \file output_file.hpp
/// Output written whole or not at all (issue 16): every file a command writes goes through here.
///
/// - checkOutputFile / checkOutputDirectory are called before any work: the directory must exist
///   and be writable, and the target must be a regular file or absent (never a device, FIFO,
///   socket or directory); a symbolic link is followed to the file it names.
/// - writeFiles writes each file to a temporary file in the target's own directory (created with
///   O_EXCL), checks every write, fsyncs and closes it; only when all of them are written are they
///   renamed over their targets, and the directories are fsynced. On any failure every temporary
///   file is removed and the targets are untouched.
/// - finishStdout flushes standard output and reports a write error (a full disk, a closed pipe).
///
/// Errors: a bad output path is kp::InvalidInput (exit 2); a failure while writing (disk full, I/O
/// error) is kp::OutputError (exit 1). Both messages name the option and the file.
/// Tested by tests/cli/hostile_cli_test.sh and tests/core/output_file_test.cpp.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "kp/core/errors.hpp"

namespace kp {

/// An output file or standard output could not be written (disk full, I/O error, closed pipe).
struct OutputError : Error {
    using Error::Error;
};

namespace io {

/// One file of a set written together.
struct OutputFile {
    std::string path;
    std::string text;
};

namespace detail {

inline std::string kindOf(mode_t m) {
    if (S_ISDIR(m)) return "a directory";
    if (S_ISCHR(m)) return "a character device";
    if (S_ISBLK(m)) return "a block device";
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISSOCK(m)) return "a socket";
    return "not a regular file";
}

/// The file a path names: a symbolic link is followed (to where it points, even if that is absent).
inline std::filesystem::path resolved(const std::string& file) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path p(file);
    for (int hops = 0; hops < 40 && fs::is_symlink(fs::symlink_status(p, ec)); ++hops) {
        const fs::path to = fs::read_symlink(p, ec);
        if (ec) break;
        p = to.is_absolute() ? to : p.parent_path() / to;
    }
    return p;
}

inline std::filesystem::path directoryOf(const std::filesystem::path& p) {
    return p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
}

inline void checkWritableDirectory(const std::filesystem::path& dir, const std::string& option,
                                   const std::string& file) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0)
        ::kp::detail::throwInvalid(option, ": the directory of ", file, " is '", dir.string(),
                                   "' (", std::strerror(errno), "), but must exist");
    if (!S_ISDIR(st.st_mode))
        ::kp::detail::throwInvalid(option, ": the directory of ", file, " is '", dir.string(),
                                   "' (", kindOf(st.st_mode), "), but must be a directory");
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
        ::kp::detail::throwInvalid(option, ": the directory of ", file, " is '", dir.string(),
                                   "' (not writable), but must be writable");
}

/// Absent or a regular file; throws InvalidInput otherwise.
inline void checkTarget(const std::filesystem::path& target, const std::string& option,
                        const std::string& file) {
    struct stat st {};
    if (::stat(target.c_str(), &st) != 0) {
        if (errno == ENOENT) return;
        ::kp::detail::throwInvalid(option, ": the output file is '", file, "' (", std::strerror(errno),
                                   "), but must be writable");
    }
    if (!S_ISREG(st.st_mode))
        ::kp::detail::throwInvalid(option, ": the output file is '", file, "' (", kindOf(st.st_mode),
                                   "), but must be a regular file or absent (it is never replaced)");
}

inline void fsyncDirectory(const std::filesystem::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);  // best effort: the renames are already visible
    ::close(fd);
}

/// Writes `text` into a new temporary file next to `target`; returns its path. Throws OutputError.
inline std::filesystem::path writeTemporary(const std::filesystem::path& target, std::string_view text,
                                            const std::string& option, const std::string& file) {
    static int counter = 0;
    const std::filesystem::path dir = directoryOf(target);
    std::string name(1, '.');
    name.append(target.filename().string())
        .append(".tmp-")
        .append(std::to_string(::getpid()))
        .append("-")
        .append(std::to_string(++counter));
    const std::filesystem::path tmp = dir / name;
    mode_t mode = 0666;
    struct stat st {};
    if (::stat(target.c_str(), &st) == 0 && S_ISREG(st.st_mode)) mode = st.st_mode & 07777;
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        throw OutputError(option + ": cannot write " + file + ": creating " + tmp.string() + " failed (" +
                          std::strerror(errno) + ")");
    if (mode != 0666) ::fchmod(fd, mode);
    auto fail = [&](const char* what, int err) {
        ::close(fd);
        ::unlink(tmp.c_str());
        throw OutputError(option + ": cannot write " + file + ": " + what + " failed (" + std::strerror(err) +
                          "); the previous file, if any, is unchanged");
    };
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("writing", errno);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 && errno != EINVAL && errno != EROFS) fail("fsync", errno);
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw OutputError(option + ": cannot write " + file + ": close failed (" + std::strerror(err) +
                          "); the previous file, if any, is unchanged");
    }
    return tmp;
}

}  // namespace detail

/// Checks before any work that `file` can be written as an output (see the file comment).
/// Throws kp::InvalidInput naming `option` and the file.
inline void checkOutputFile(const std::string& file, const std::string& option) {
    if (file.empty()) ::kp::detail::throwInvalid(option, ": the output file is '', but must be a file name");
    const std::filesystem::path target = detail::resolved(file);
    detail::checkTarget(target, option, file);
    detail::checkWritableDirectory(detail::directoryOf(target), option, file);
}

/// Checks before any work that `dir` can take the output files `names`: an existing writable
/// directory whose entries of these names are regular files or absent, or an absent directory
/// whose nearest existing ancestor is a writable directory (it is created when the files are
/// written). Throws kp::InvalidInput naming `option` and the path.
inline void checkOutputDirectory(const std::string& dir, const std::vector<std::string>& names,
                                 const std::string& option) {
    namespace fs = std::filesystem;
    if (dir.empty()) ::kp::detail::throwInvalid(option, ": the output directory is '', but must be a directory name");
    const fs::path d = detail::resolved(dir);
    struct stat st {};
    if (::stat(d.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            ::kp::detail::throwInvalid(option, ": the output directory is '", dir, "' (",
                                       detail::kindOf(st.st_mode), "), but must be a directory or absent");
        if (::access(d.c_str(), W_OK | X_OK) != 0)
            ::kp::detail::throwInvalid(option, ": the output directory is '", dir,
                                       "' (not writable), but must be writable");
        for (const auto& n : names) detail::checkTarget(d / n, option, (fs::path(dir) / n).string());
        return;
    }
    fs::path up = d.parent_path();
    while (!up.empty() && !fs::exists(up)) up = up.parent_path();
    if (up.empty()) up = ".";
    detail::checkWritableDirectory(up, option, dir);
}

/// Writes every file whole or not at all (see the file comment). A target that is not a regular
/// file is refused (kp::InvalidInput); a write failure is kp::OutputError. With `createDirectories`
/// missing directories are created (and removed again if the write fails); without, a missing
/// directory is kp::InvalidInput.
inline void writeFiles(const std::vector<OutputFile>& files, const std::string& option,
                       bool createDirectories = true) {
    namespace fs = std::filesystem;
    std::vector<fs::path> created;
    std::vector<std::pair<fs::path, fs::path>> done;  // (temporary, target)
    auto cleanUp = [&] {
        for (const auto& d : done) ::unlink(d.first.c_str());
        for (auto it = created.rbegin(); it != created.rend(); ++it) ::rmdir(it->c_str());
    };
    try {
        for (const auto& f : files) {
            const fs::path target = detail::resolved(f.path);
            const fs::path dir = detail::directoryOf(target);
            if (!createDirectories) detail::checkWritableDirectory(dir, option, f.path);
            std::vector<fs::path> missing;
            for (fs::path p = dir; !p.empty() && !fs::exists(p); p = p.parent_path()) {
                missing.push_back(p);
                if (!p.has_parent_path() || p.parent_path() == p) break;
            }
            for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
                if (::mkdir(it->c_str(), 0777) != 0 && errno != EEXIST)
                    throw OutputError(option + ": cannot write " + f.path + ": creating the directory " +
                                      it->string() + " failed (" + std::strerror(errno) + ")");
                created.push_back(*it);
            }
            detail::checkTarget(target, option, f.path);
            done.emplace_back(detail::writeTemporary(target, f.text, option, f.path), target);
        }
        for (std::size_t i = 0; i < done.size(); ++i) {
            detail::checkTarget(done[i].second, option, files[i].path);
            if (::rename(done[i].first.c_str(), done[i].second.c_str()) != 0)
                throw OutputError(option + ": cannot write " + files[i].path + ": rename failed (" +
                                  std::strerror(errno) + ")");
            done[i].first.clear();
        }
    } catch (...) {
        cleanUp();
        throw;
    }
    std::vector<fs::path> dirs;
    for (const auto& d : done) dirs.push_back(detail::directoryOf(d.second));
    for (std::size_t i = 0; i < dirs.size(); ++i)
        if (i == 0 || dirs[i] != dirs[i - 1]) detail::fsyncDirectory(dirs[i]);
}

/// One file, whole or not at all.
inline void writeFile(const std::string& path, std::string text, const std::string& option) {
    checkOutputFile(path, option);
    writeFiles({OutputFile{path, std::move(text)}}, option, false);
}

/// Makes sure file descriptors 0-2 are open (a file opened later must never become standard
/// output by accident). Returns false if standard output was closed.
inline bool guardStandardStreams() {
    bool stdoutOpen = true;
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        if (fd == 1) stdoutOpen = false;
        const int n = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (n >= 0 && n != fd) {
            ::dup2(n, fd);
            ::close(n);
        }
    }
    return stdoutOpen;
}

/// Flushes standard output; throws OutputError if any write to it failed.
inline void finishStdout() {
    errno = 0;
    std::cout.flush();
    const int coutErr = errno;
    const bool coutFailed = std::cout.fail();
    errno = 0;
    const bool cFailed = std::fflush(stdout) != 0 || std::ferror(stdout);
    const int err = coutErr ? coutErr : errno;
    if (coutFailed || cFailed)
        throw OutputError(std::string("standard output: writing failed (") +
                          (err ? std::strerror(err) : "stream error") + "), so the output is incomplete");
}

}  // namespace io
}  // namespace kp
