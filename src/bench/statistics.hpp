// Summaries of repeated measurements. Medians rather than means, because one
// run disturbed by other work on a shared machine should not move the result.
#pragma once

#include <vector>

namespace fleet::bench {

// The median; the mean of the two middle values for an even count; 0 for none.
double median(std::vector<double> values);

double minimum(const std::vector<double>& values);
double maximum(const std::vector<double>& values);

// a / b, or 0 when b is 0 (a scenario that measured nothing reports 0, not inf).
double ratio_or_zero(double a, double b);

}  // namespace fleet::bench
