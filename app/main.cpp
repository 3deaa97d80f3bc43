// kruispunt: the command-line tool. See README.md for the sub-commands and exit codes.
#include <iostream>

#include "commands.hpp"
#include "kp/core/errors.hpp"
#include "kp/core/output_file.hpp"

namespace {

/// Flushes standard output after a command; a write error there (a full disk, a closed pipe) turns
/// a successful exit into 1, so output that was cut short never looks complete.
int finish(int code) {
    try {
        kp::io::finishStdout();
    } catch (const kp::OutputError& e) {
        std::cerr << "kruispunt: " << e.what() << '\n';
        return code == 0 ? 1 : code;
    }
    return code;
}

}  // namespace

int main(int argc, char** argv) {
    if (!kp::io::guardStandardStreams()) {
        std::cerr << "kruispunt: standard output is closed, but must be open (redirect it to /dev/null to "
                     "discard it)\n";
        return 2;
    }
    CLI::App app{"Kruispunt: invest in decarbonisation now, or wait? Real options by Monte Carlo.",
                 "kruispunt"};
    app.require_subcommand(1);
    kp::app::Action action;
    kp::app::addPriceCommand(app, action);
    kp::app::addValueCommand(app, action);
    kp::app::addCompareCommand(app, action);
    kp::app::addBreakevenCommand(app, action);
    kp::app::addLoanCommand(app, action);
    kp::app::addPortfolioCommand(app, action);
    kp::app::addCalibrateCommand(app, action);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return finish(app.exit(e));
    } catch (const CLI::CallForAllHelp& e) {
        return finish(app.exit(e));
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return finish(2);
    }
    try {
        return finish(action ? action() : 2);
    } catch (const kp::InvalidInput& e) {
        std::cerr << "kruispunt: " << e.what() << '\n';
        return finish(2);
    } catch (const std::exception& e) {
        std::cerr << "kruispunt: " << e.what() << '\n';
        return finish(1);
    }
}
