#include "people/synthetic.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

namespace camroll {
namespace {

class Gaussian {
 public:
  explicit Gaussian(uint64_t seed) : rng_(seed) {}

  // Box–Muller on 53-bit uniforms: the same numbers on every standard library.
  double Next() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = static_cast<double>((rng_() >> 11) + 1) * 0x1.0p-53;  // (0, 1]
    const double u2 = static_cast<double>(rng_() >> 11) * 0x1.0p-53;        // [0, 1)
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(2 * std::numbers::pi * u2);
    has_spare_ = true;
    return r * std::cos(2 * std::numbers::pi * u2);
  }
  uint64_t Bits() { return rng_(); }

 private:
  std::mt19937_64 rng_;
  double spare_ = 0;
  bool has_spare_ = false;
};

void Normalise(std::vector<double>& v) {
  double n = 0;
  for (double x : v) n += x * x;
  n = std::sqrt(n);
  for (double& x : v) x /= n;
}

std::vector<double> RandomUnit(Gaussian& g, int dim) {
  std::vector<double> v(dim);
  for (double& x : v) x = g.Next();
  Normalise(v);
  return v;
}

}  // namespace

SyntheticFaces MakeSyntheticFaces(const SyntheticSpec& spec) {
  Gaussian g(spec.seed);
  const int dim = std::max(spec.dim, 1);
  const std::vector<double> common = RandomUnit(g, dim);

  struct Person {
    double a;  // weight of the common direction
    double b;  // weight of the person's own
    std::vector<double> own;
  };
  std::vector<Person> people;
  for (int p = 0; p < spec.people; ++p) {
    const double a2 = std::clamp(0.41 + 0.08 * g.Next(), 0.27, 0.55);
    Person person{std::sqrt(a2), std::sqrt(0.74 - a2), RandomUnit(g, dim)};
    if (p % 2 == 1 && p / 2 < spec.lookalike_pairs) {
      const double s = std::clamp(spec.lookalike_share, 0.0, 1.0);
      for (int i = 0; i < dim; ++i) {
        person.own[i] = std::sqrt(s) * people[p - 1].own[i] + std::sqrt(1 - s) * person.own[i];
      }
      Normalise(person.own);
    }
    people.push_back(std::move(person));
  }

  SyntheticFaces out;
  const int lo = std::max(spec.min_faces, 1);
  const int hi = std::max(spec.max_faces, lo);
  for (int p = 0; p < spec.people; ++p) {
    const int faces = lo + static_cast<int>(g.Bits() % static_cast<uint64_t>(hi - lo + 1));
    for (int f = 0; f < faces; ++f) {
      const double noise = std::sqrt(std::clamp(0.26 + 0.11 * g.Next(), 0.03, 0.8));
      const std::vector<double> own_noise = RandomUnit(g, dim);
      std::vector<double> v(dim);
      for (int i = 0; i < dim; ++i) {
        v[i] = people[p].a * common[i] + people[p].b * people[p].own[i] + noise * own_noise[i];
      }
      Normalise(v);
      out.embeddings.emplace_back(v.begin(), v.end());
      out.people.push_back(p);
    }
  }

  if (spec.shuffle) {
    // Fisher–Yates with the same generator: portable, unlike std::shuffle's distribution.
    for (size_t i = out.people.size(); i > 1; --i) {
      const size_t j = g.Bits() % i;
      std::swap(out.embeddings[i - 1], out.embeddings[j]);
      std::swap(out.people[i - 1], out.people[j]);
    }
  }
  return out;
}

}  // namespace camroll
