#include "kp/calibration/parameter_file.hpp"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "kp/calibration/estimators.hpp"
#include "kp/core/errors.hpp"
#include "kp/core/output_file.hpp"

namespace kp::calibration {

DataInfo describe(const TimeSeries& s, Frequency f, TimeBasis basis) {
    DataInfo d;
    d.file = s.file;
    d.column = s.column;
    if (!s.days.empty()) {
        d.firstDay = s.days.front();
        d.lastDay = s.days.back();
    }
    d.frequency = f;
    d.timeBasis = basis;
    d.prices = s.size();
    return d;
}

void writeFileAtomically(const std::string& path, const std::string& text) {
    io::writeFile(path, text, "--out");
}

namespace {

/// A double for YAML: .nan for NaN (YAML 1.2 core schema), full precision otherwise.
YAML::Emitter& number(YAML::Emitter& e, double v) {
    if (std::isnan(v)) return e << YAML::Value << ".nan";
    return e << YAML::Value << v;
}

void emitData(YAML::Emitter& e, const DataInfo& d) {
    e << YAML::Key << "data" << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "file" << YAML::Value << d.file;
    e << YAML::Key << "column" << YAML::Value << d.column;
    e << YAML::Key << "from" << YAML::Value << formatIsoDate(d.firstDay);
    e << YAML::Key << "to" << YAML::Value << formatIsoDate(d.lastDay);
    e << YAML::Key << "frequency" << YAML::Value << toString(d.frequency);
    e << YAML::Key << "time_basis" << YAML::Value << toString(d.timeBasis);
    e << YAML::Key << "prices" << YAML::Value << d.prices;
    if (!d.maturities.empty()) {
        e << YAML::Key << "maturities" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (double tau : d.maturities) e << tau;
        e << YAML::EndSeq;
    }
    e << YAML::EndMap;
}

}  // namespace

void writeParameterFile(const std::string& path, const FitResult& fit, const DataInfo& data) {
    YAML::Emitter e;
    e.SetDoublePrecision(10);
    e << YAML::Comment(
        "Kruispunt calibration: a factor model fitted to a price series "
        "(kruispunt calibrate). See docs/calibration.md.");
    e << YAML::BeginMap;
    e << YAML::Key << "kind" << YAML::Value << "kruispunt-calibration";
    e << YAML::Key << "version" << YAML::Value << 1;
    e << YAML::Key << "model" << YAML::Value << fit.model;
    e << YAML::Key << "measure" << YAML::Value << "historical";
    e << YAML::Key << "spot";
    number(e, fit.lastPrice);
    e << YAML::Key << "as_of" << YAML::Value << formatIsoDate(data.lastDay);
    e << YAML::Key << "parameters" << YAML::Value << YAML::BeginMap;
    for (const auto& p : fit.parameters) {
        e << YAML::Key << p.name;
        number(e, p.value);
    }
    e << YAML::EndMap;
    e << YAML::Key << "std_errors" << YAML::Value << YAML::BeginMap;
    for (const auto& p : fit.parameters) {
        e << YAML::Key << p.name;
        number(e, p.stdError);
    }
    e << YAML::EndMap;
    bool anyFixed = false;
    for (const auto& p : fit.parameters) anyFixed = anyFixed || p.fixed;
    if (anyFixed) {
        e << YAML::Key << "fixed" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const auto& p : fit.parameters)
            if (p.fixed) e << p.name;
        e << YAML::EndSeq;
    }
    if (!fit.state.empty()) {
        e << YAML::Key << "state" << YAML::Value << YAML::BeginMap;
        for (const auto& s : fit.state) {
            e << YAML::Key << s.name;
            number(e, s.value);
        }
        e << YAML::EndMap;
        e << YAML::Key << "state_std_dev" << YAML::Value << YAML::BeginMap;
        for (const auto& s : fit.state) {
            e << YAML::Key << s.name;
            number(e, s.stdError);
        }
        e << YAML::EndMap;
    }
    emitData(e, data);
    e << YAML::Key << "fit" << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "log_likelihood";
    number(e, fit.logLikelihood);
    e << YAML::Key << "aic";
    number(e, fit.aic);
    e << YAML::Key << "bic";
    number(e, fit.bic);
    e << YAML::Key << "observations" << YAML::Value << fit.observations;
    e << YAML::Key << "status" << YAML::Value << fit.status;
    e << YAML::EndMap;
    e << YAML::EndMap;
    writeFileAtomically(path, std::string(e.c_str()) + "\n");
}

namespace {

double readDouble(const YAML::Node& n, const std::string& file, const std::string& key) {
    KP_REQUIRE(n && n.IsScalar(), file, ": ", key, " is missing, but must be a number");
    const std::string s = n.Scalar();
    if (s == ".nan" || s == ".NaN" || s == ".NAN") return std::numeric_limits<double>::quiet_NaN();
    try {
        return n.as<double>();
    } catch (const YAML::Exception&) {
        ::kp::detail::throwInvalid(file, ": ", key, " is '", s, "', but must be a number");
    }
}

std::vector<std::string> parameterNames(const std::string& model) {
    if (model == "gbm") return {"mu", "sigma"};
    if (model == "ou") return {"kappa", "theta", "sigma"};
    if (model == "schwartz-smith") return {"kappa", "sigma_chi", "mu_xi", "sigma_xi", "rho"};
    if (model == "jump") return {"mu", "sigma", "lambda", "jump_mean", "jump_vol"};
    return {};
}

}  // namespace

ParameterFile readParameterFile(const std::string& path) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::BadFile&) {
        ::kp::detail::throwInvalid(
            path, ": file cannot be opened, but must be a readable parameter file");
    } catch (const YAML::Exception& ex) {
        ::kp::detail::throwInvalid(path, ":", ex.mark.line + 1, ": YAML is malformed (", ex.msg,
                                   "), but must be a kruispunt calibration file");
    }
    KP_REQUIRE(root["kind"] && root["kind"].as<std::string>() == "kruispunt-calibration", path,
               ": kind is missing or wrong, but must be 'kruispunt-calibration'");
    ParameterFile pf;
    KP_REQUIRE(root["model"] && root["model"].IsScalar(), path,
               ": model is missing, but must be given");
    pf.fit.model = root["model"].as<std::string>();
    const auto names = parameterNames(pf.fit.model);
    KP_REQUIRE(!names.empty(), path, ": model is '", pf.fit.model,
               "', but must be gbm, ou, schwartz-smith or jump");
    pf.fit.lastPrice = readDouble(root["spot"], path, "spot");
    std::vector<std::string> fixed;
    if (root["fixed"])
        for (const auto& f : root["fixed"]) fixed.push_back(f.as<std::string>());
    for (const auto& name : names) {
        Parameter p;
        p.name = name;
        p.value = readDouble(root["parameters"][name], path, "parameters." + name);
        p.stdError = root["std_errors"] && root["std_errors"][name]
                         ? readDouble(root["std_errors"][name], path, "std_errors." + name)
                         : std::numeric_limits<double>::quiet_NaN();
        p.fixed = std::find(fixed.begin(), fixed.end(), name) != fixed.end();
        pf.fit.parameters.push_back(p);
    }
    // Further parameters (a futures fit's lambda_chi, mu_xi_star, s_e_...), in file order.
    if (root["parameters"].IsMap())
        for (const auto& kv : root["parameters"]) {
            const std::string name = kv.first.as<std::string>();
            if (std::find(names.begin(), names.end(), name) != names.end()) continue;
            Parameter p;
            p.name = name;
            p.value = readDouble(kv.second, path, "parameters." + name);
            p.stdError = root["std_errors"] && root["std_errors"][name]
                             ? readDouble(root["std_errors"][name], path, "std_errors." + name)
                             : std::numeric_limits<double>::quiet_NaN();
            p.fixed = std::find(fixed.begin(), fixed.end(), name) != fixed.end();
            pf.fit.parameters.push_back(p);
        }
    if (pf.fit.model == "schwartz-smith") {
        for (const char* s : {"chi", "xi"})
            pf.fit.state.push_back(
                {s, readDouble(root["state"][s], path, std::string("state.") + s),
                 root["state_std_dev"] && root["state_std_dev"][s]
                     ? readDouble(root["state_std_dev"][s], path, "state_std_dev")
                     : std::numeric_limits<double>::quiet_NaN(),
                 false});
    }
    if (const auto d = root["data"]) {
        pf.data.file = d["file"] ? d["file"].as<std::string>() : "";
        pf.data.column = d["column"] ? d["column"].as<std::string>() : "";
        if (d["from"]) pf.data.firstDay = parseIsoDate(d["from"].as<std::string>()).value_or(0);
        if (d["to"]) pf.data.lastDay = parseIsoDate(d["to"].as<std::string>()).value_or(0);
        if (d["frequency"]) pf.data.frequency = parseFrequency(d["frequency"].as<std::string>());
        if (d["time_basis"]) pf.data.timeBasis = parseTimeBasis(d["time_basis"].as<std::string>());
        if (d["prices"]) pf.data.prices = d["prices"].as<std::size_t>();
        if (d["maturities"] && d["maturities"].IsSequence())
            for (const auto& m : d["maturities"]) pf.data.maturities.push_back(m.as<double>());
    }
    if (const auto f = root["fit"]) {
        if (f["log_likelihood"])
            pf.fit.logLikelihood = readDouble(f["log_likelihood"], path, "fit.log_likelihood");
        if (f["aic"]) pf.fit.aic = readDouble(f["aic"], path, "fit.aic");
        if (f["bic"]) pf.fit.bic = readDouble(f["bic"], path, "fit.bic");
        if (f["observations"]) pf.fit.observations = f["observations"].as<std::size_t>();
        if (f["status"]) pf.fit.status = f["status"].as<std::string>();
    }
    return pf;
}

void writeCorrelationFile(const std::string& path, const CorrelationResult& c) {
    YAML::Emitter e;
    e.SetDoublePrecision(8);
    e << YAML::Comment(
        "Kruispunt calibration: correlation of log returns on common dates "
        "(kruispunt calibrate --series ... --series ...). See docs/calibration.md.");
    e << YAML::BeginMap;
    e << YAML::Key << "kind" << YAML::Value << "kruispunt-correlation";
    e << YAML::Key << "version" << YAML::Value << 1;
    e << YAML::Key << "series" << YAML::Value << YAML::BeginSeq;
    for (const auto& n : c.names) e << n;
    e << YAML::EndSeq;
    auto matrix = [&](const char* key, const Eigen::MatrixXd& m) {
        e << YAML::Key << key << YAML::Value << YAML::BeginSeq;
        for (Eigen::Index i = 0; i < m.rows(); ++i) {
            e << YAML::Flow << YAML::BeginSeq;
            for (Eigen::Index j = 0; j < m.cols(); ++j) e << m(i, j);
            e << YAML::EndSeq;
        }
        e << YAML::EndSeq;
    };
    matrix("correlation", c.correlation);
    matrix("lower_95", c.lower95);
    matrix("upper_95", c.upper95);
    e << YAML::Key << "observations" << YAML::Value << c.observations;
    e << YAML::Key << "from" << YAML::Value << formatIsoDate(c.firstDay);
    e << YAML::Key << "to" << YAML::Value << formatIsoDate(c.lastDay);
    e << YAML::Key << "frequency" << YAML::Value << toString(c.frequency);
    e << YAML::EndMap;
    writeFileAtomically(path, std::string(e.c_str()) + "\n");
}

void writeLearningCurveFile(const std::string& path, const LearningCurveFit& f,
                            const LearningCurveData& d) {
    YAML::Emitter e;
    e.SetDoublePrecision(10);
    e << YAML::Comment(
        "Kruispunt calibration: learning curve log(cost) = a + b log(cumulative "
        "capacity), learning rate = 1 - 2^b. See docs/calibration.md.");
    e << YAML::BeginMap;
    e << YAML::Key << "kind" << YAML::Value << "kruispunt-learning-curve";
    e << YAML::Key << "version" << YAML::Value << 1;
    e << YAML::Key << "learning_rate" << YAML::Value << f.learningRate;
    e << YAML::Key << "learning_rate_interval" << YAML::Value << YAML::Flow << YAML::BeginSeq
      << f.learningRateLower << f.learningRateUpper << YAML::EndSeq;
    e << YAML::Key << "confidence" << YAML::Value << f.confidence;
    e << YAML::Key << "exponent" << YAML::Value << f.exponent;
    e << YAML::Key << "exponent_std_error" << YAML::Value << f.exponentStdError;
    e << YAML::Key << "intercept" << YAML::Value << f.intercept;
    e << YAML::Key << "intercept_std_error" << YAML::Value << f.interceptStdError;
    e << YAML::Key << "r_squared" << YAML::Value << f.rSquared;
    e << YAML::Key << "residual_std_dev" << YAML::Value << f.residualStdDev;
    e << YAML::Key << "observations" << YAML::Value << f.observations;
    e << YAML::Key << "data" << YAML::Value << YAML::BeginMap;
    e << YAML::Key << "file" << YAML::Value << d.file;
    e << YAML::Key << "capacity_column" << YAML::Value << d.capacityColumn;
    e << YAML::Key << "cost_column" << YAML::Value << d.costColumn;
    e << YAML::EndMap;
    e << YAML::EndMap;
    writeFileAtomically(path, std::string(e.c_str()) + "\n");
}

}  // namespace kp::calibration
