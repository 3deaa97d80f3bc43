// kruispunt: the command-line tool. See README.md for the sub-commands and exit codes.
#include <iostream>

#include "commands.hpp"
#include "kp/core/errors.hpp"

int main(int argc, char** argv) {
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
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    }
    try {
        return action ? action() : 2;
    } catch (const kp::InvalidInput& e) {
        std::cerr << "kruispunt: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "kruispunt: " << e.what() << '\n';
        return 1;
    }
}
