// Curvature names and the model factory.

#include <string>

#include "ridgelens/error.hpp"
#include "ridgelens/model/linear_models.hpp"
#include "ridgelens/model/model.hpp"

namespace ridgelens {

Curvature parse_curvature(const std::string& text) {
    if (text == "hessian") return Curvature::hessian;
    if (text == "ggn") return Curvature::ggn;
    throw UsageError("unknown curvature '" + text + "': expected hessian or ggn");
}

const char* to_string(Curvature curvature) {
    switch (curvature) {
        case Curvature::hessian:
            return "hessian";
        case Curvature::ggn:
            return "ggn";
    }
    return "unknown";
}

std::unique_ptr<LinearModel> make_model(const std::string& name, FeatureMatrix features,
                                        const Vector& labels, const ModelOptions& options) {
    std::unique_ptr<LinearModel> model;
    if (name == "ls" || name == "least_squares")
        model = std::make_unique<LeastSquaresModel>(std::move(features), labels);
    else if (name == "logistic")
        model = std::make_unique<LogisticModel>(std::move(features), labels);
    else if (name == "softmax")
        model = std::make_unique<SoftmaxModel>(std::move(features), labels);
    else
        throw UsageError("unknown model '" + name +
                         "': expected ls (or least_squares), logistic or softmax");
    model->set_curvature(options.curvature);
    return model;
}

}  // namespace ridgelens
