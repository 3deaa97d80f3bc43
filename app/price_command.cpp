#include "commands.hpp"
void kp::app::addPriceCommand(CLI::App&, Action&) {}
