// Fault injection: every subcommand under write failures (/dev/full, a small
// full tmpfs, a closed stdout, a broken pipe with SIGPIPE ignored), outputs
// that are FIFOs, device nodes and symbolic links, a batch killed midway and
// two reports into one folder at once. Each run either delivers everything
// or says what it did not, with a non-zero exit.
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "support/run.h"

namespace fs = std::filesystem;

namespace {

const std::string kBin = PP_BINARY;
const std::string kCase = std::string(PP_SOURCE_DIR) + "/model/policies/example-case.json";
const std::string kPolicies = std::string(PP_SOURCE_DIR) + "/tests/policies";

struct Shell {
  int exit_code = -1;
  std::string err;
};

// Runs a /bin/sh command line; `$B` is the policyproof binary.
Shell sh(const std::string& script) {
  std::string errf = pp::test::temp_path("sh-err"), file = pp::test::temp_path("sh");
  pp::test::spit(file, "B='" + kBin + "'\n{\n" + script + "\n} 2>" + errf + "\n");
  int status = std::system(("/bin/sh " + file).c_str());
  fs::remove(file);
  Shell r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = pp::test::slurp(errf);
  fs::remove(errf);
  return r;
}

std::string batch_file(int count) {
  std::string path = pp::test::temp_path("batch.jsonl");
  pp::test::RunResult r = pp::test::run("generate --seed 11 --count " + std::to_string(count));
  pp::test::spit(path, r.out);
  return path;
}

// The commands whose standard output is checked.
std::vector<std::string> every_command(const std::string& batch) {
  return {"evaluate " + kCase,
          "evaluate " + kCase + " --format json",
          "evaluate --batch " + batch,
          "evaluate --batch " + batch + " --jobs 3",
          "explain " + kCase,
          "explain --batch " + batch + " --jobs 2",
          "generate --count 20000",
          "prove --rlimit 2000000",
          "analyze --rlimit 2000000",
          "diff " + kPolicies + "/cmm-607-base.yaml " + kPolicies + "/cmm-607-three-levels.yaml --rlimit 2000000",
          "render --format dot -o -",
          "--help"};
}

}  // namespace

TEST_CASE("a full disk (/dev/full) fails every command with one line and a non-zero exit", "[robust][faults]") {
  std::string batch = batch_file(300);
  for (const auto& args : every_command(batch)) {
    INFO(args);
    Shell r = sh("$B " + args + " >/dev/full");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("<stdout>: error: cannot write: No space left on device\n") != std::string::npos);
  }
}

TEST_CASE("a closed standard output fails every command, and no file opened later takes its place", "[robust][faults]") {
  std::string batch = batch_file(300);
  for (const auto& args : every_command(batch)) {
    INFO(args);
    Shell r = sh("$B " + args + " >&-");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("<stdout>: error: cannot write: Bad file descriptor\n") != std::string::npos);
  }
  // render opens its output file after stdout was found closed: the picture
  // goes to the file, nothing to stdout, and the run succeeds.
  std::string out = pp::test::temp_path("closed.dot");
  Shell r = sh("$B render -o " + out + " >&-");
  CHECK(r.exit_code == 0);
  CHECK(pp::test::slurp(out).find("digraph") != std::string::npos);
}

TEST_CASE("a broken pipe with SIGPIPE ignored ends a batch with an error, not success", "[robust][faults]") {
  std::string batch = batch_file(5000);
  for (const std::string jobs : {"1", "3"}) {
    Shell p = sh("trap '' PIPE; { $B evaluate --batch " + batch + " --jobs " + jobs +
                 "; echo rc=$? >&2; } | head -c 100 >/dev/null");
    INFO(p.err);
    CHECK(p.err.find("<stdout>: error: cannot write: Broken pipe\n") != std::string::npos);
    CHECK(p.err.find("rc=2") != std::string::npos);
  }
}

TEST_CASE("a small full tmpfs: a batch never reports success for results it did not deliver", "[robust][faults]") {
  std::string dir = pp::test::temp_path("tmpfs");
  fs::create_directories(dir);
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=64k") != 0) {
    WARN("skipped: cannot mount a tmpfs here (" << std::strerror(errno) << ")");
    return;
  }
  std::string batch = batch_file(2000);
  Shell r = sh("$B evaluate --batch " + batch + " >" + dir + "/out.jsonl");
  CHECK(r.exit_code == 2);
  CHECK(r.err == "<stdout>: error: cannot write: No space left on device\n");
  fs::remove(dir + "/out.jsonl");
  // Files written by name: replaced whole or not at all, no temporary left.
  Shell big = sh("$B render -o " + dir + "/g.svg");  // ~100 kB: does not fit
  CHECK(big.exit_code == 2);
  CHECK(big.err.find("no space left on device") != std::string::npos);
  Shell rep = sh("$B report -q -o " + dir + "/site");
  CHECK(rep.exit_code == 2);
  CHECK(fs::is_empty(dir));  // no partial site, no temporary folder
  ::umount(dir.c_str());
}

TEST_CASE("render --output: FIFOs and devices are written through, symlinks to their file, never replaced", "[robust][faults]") {
  std::string dir = pp::test::temp_path("outputs");
  fs::create_directories(dir);
  // A character device stays one.
  Shell r = sh("$B render --format dot -o /dev/null");
  CHECK(r.exit_code == 0);
  struct stat st {};
  REQUIRE(::stat("/dev/null", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  // /dev/full: the device's error, not a replaced file.
  r = sh("$B render --format dot -o /dev/full");
  CHECK(r.exit_code == 2);
  CHECK(r.err == "/dev/full: error: cannot write the file: no space left on device\n");
  // A FIFO: its reader gets the picture, and it stays a FIFO.
  std::string fifo = dir + "/pipe.dot";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  r = sh("timeout 20 cat " + fifo + " >" + dir + "/read.dot & $B render -o " + fifo + "; wait");
  CHECK(r.exit_code == 0);
  CHECK(pp::test::slurp(dir + "/read.dot").find("digraph") != std::string::npos);
  REQUIRE(::lstat(fifo.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  // A symbolic link: the file it names is replaced, the link stays.
  pp::test::spit(dir + "/real.dot", "old");
  fs::create_symlink("real.dot", dir + "/link.dot");
  r = sh("$B render -o " + dir + "/link.dot");
  CHECK(r.exit_code == 0);
  CHECK(fs::is_symlink(dir + "/link.dot"));
  CHECK(pp::test::slurp(dir + "/real.dot").find("digraph") != std::string::npos);
  // A dangling one is refused.
  fs::create_symlink("nothing.dot", dir + "/dangling.dot");
  r = sh("$B render -o " + dir + "/dangling.dot");
  CHECK(r.exit_code == 2);
  CHECK(fs::is_symlink(dir + "/dangling.dot"));
  // A regular file keeps its mode, and nothing else is left in the folder.
  ::chmod((dir + "/real.dot").c_str(), 0640);
  r = sh("$B render -o " + dir + "/real.dot");
  REQUIRE(::stat((dir + "/real.dot").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);
  for (const auto& e : fs::directory_iterator(dir)) CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("a batch killed midway: the exit says so, and what was written are whole results", "[robust][faults]") {
  std::string batch = batch_file(20000);
  std::string out = pp::test::temp_path("killed.jsonl");
  // Slow it down by reading from a pipe that stalls after the first lines.
  Shell r = sh("{ head -n 3000 " + batch + "; sleep 5; } | $B evaluate --batch - >" + out +
               " & pid=$!; sleep 1; kill -TERM $pid; wait $pid; echo rc=$? >&2");
  CHECK(r.err.find("rc=143") != std::string::npos);  // killed by SIGTERM: not success
}

TEST_CASE("two reports into one folder at once: the folder holds one run's report whole", "[robust][faults]") {
  std::string dir = pp::test::temp_path("reports");
  fs::create_directories(dir);
  std::string one = dir + "/one.json", two = dir + "/two.json";
  pp::test::spit(one, pp::test::slurp(kCase));
  Shell r = sh("$B report -q -o " + dir + "/site --case " + one + " --rlimit 2000000 & $B report -q -o " + dir +
               "/site --rlimit 2000000; wait");
  CHECK(r.exit_code == 0);
  bool has_case = fs::exists(dir + "/site/case-1.svg");
  std::string html = pp::test::slurp(dir + "/site/index.html");
  CHECK(has_case == (html.find("case-1.svg") != std::string::npos));
  // Nothing but the report and the case file: no temporary folder left.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  CHECK(names.size() == 2);
}

TEST_CASE("a killed report leaves a temporary folder the next run removes", "[robust][faults]") {
  std::string dir = pp::test::temp_path("stale");
  fs::create_directories(dir + "/.site.tmp-999999999-0");
  pp::test::spit(dir + "/.site.tmp-999999999-0/index.html", "partial");
  Shell r = sh("$B report -q -o " + dir + "/site --rlimit 2000000");
  CHECK(r.exit_code == 0);
  CHECK(!fs::exists(dir + "/.site.tmp-999999999-0"));
  CHECK(fs::exists(dir + "/site/index.html"));
}

TEST_CASE("a report folder holding other files is not replaced", "[robust][faults]") {
  std::string dir = pp::test::temp_path("notreport");
  fs::create_directories(dir);
  pp::test::spit(dir + "/notes.txt", "mine");
  Shell r = sh("$B report -q -o " + dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("holds `notes.txt`") != std::string::npos);
  CHECK(pp::test::slurp(dir + "/notes.txt") == "mine");
}

TEST_CASE("SMT-LIB and witness files: a full disk is an error, not a truncated file", "[robust][faults]") {
  std::string dir = pp::test::temp_path("smt-tmpfs");
  fs::create_directories(dir);
  if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=8k") != 0) {
    WARN("skipped: cannot mount a tmpfs here (" << std::strerror(errno) << ")");
    return;
  }
  Shell p = sh("$B prove --rlimit 2000000 --emit-smt2 " + dir + "/smt >/dev/null");
  CHECK(p.exit_code == 2);
  CHECK(p.err.find("no space left on device") != std::string::npos);
  Shell a = sh("$B analyze --rlimit 2000000 --witness-dir " + dir + "/w >/dev/null");
  CHECK(a.exit_code == 2);
  CHECK(a.err.find("no space left on device") != std::string::npos);
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    INFO(e.path());
    CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
  }
  ::umount(dir.c_str());
}
