package generator

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
)

// Without bounds, numbers land in [0, defaultSpan]: small non-negative
// values read like counts and amounts, which is what most fields hold.
const defaultSpan = 1000

// genLimit keeps generated integers exact in float64, which is how many
// consumers (JavaScript among them) will read them.
const genLimit = 1 << 53

func (c *genCtx) genInteger(n *node) (any, error) {
	lo, hi, ok := n.num.intRange(n.format)
	if !ok {
		return nil, fmt.Errorf("%s: no integer satisfies the bounds", c.where(n.ptr))
	}
	step := int64(1)
	if len(n.num.multipleOf) > 0 {
		// k·p/q is an integer exactly when it is a multiple of p.
		m := n.num.multipleOf[0]
		if !m.Num().IsInt64() {
			return nil, fmt.Errorf("%s: multipleOf %s is too large", c.where(n.ptr), m.RatString())
		}
		step = m.Num().Int64()
	}
	kLo, kHi := ceilDiv(lo, step), floorDiv(hi, step)
	if kLo > kHi {
		return nil, fmt.Errorf("%s: no multiple of %d between %d and %d", c.where(n.ptr), step, lo, hi)
	}
	for range 4 {
		v := json.Number(strconv.FormatInt((kLo+c.r.Int64N(kHi-kLo+1))*step, 10))
		if n.num.accepts(v) {
			return v, nil
		}
	}
	return nil, fmt.Errorf("%s: could not satisfy every multipleOf", c.where(n.ptr))
}

// intRange turns the bounds into an inclusive integer range of
// realistic width.
func (ns *numSpec) intRange(format string) (lo, hi int64, ok bool) {
	hasLo, hasHi := ns.min != nil, ns.max != nil
	if hasLo {
		lo = clampInt(ceilRat(ns.min))
		if ns.minExcl && new(big.Rat).SetInt64(lo).Cmp(ns.min) == 0 {
			lo++
		}
	}
	if hasHi {
		hi = clampInt(floorRat(ns.max))
		if ns.maxExcl && new(big.Rat).SetInt64(hi).Cmp(ns.max) == 0 {
			hi--
		}
	}
	switch {
	case !hasLo && !hasHi:
		lo, hi = 0, defaultSpan
	case !hasLo:
		lo = max(hi-defaultSpan, min(0, hi))
	case !hasHi:
		hi = lo + defaultSpan
	}
	if isUnsignedFormat(format) && lo < 0 && hi >= 0 {
		lo = 0
	}
	return lo, hi, lo <= hi
}

func isUnsignedFormat(f string) bool {
	switch f {
	case "uint8", "uint16", "uint32", "uint64", "uint":
		return true
	}
	return false
}

func (c *genCtx) genNumber(n *node) (any, error) {
	ns := &n.num
	if ns.min == nil && ns.max == nil && len(ns.multipleOf) == 0 {
		return formatCents(c.r.Int64N(defaultSpan*100 + 1)), nil
	}
	lo, hi := ns.bounds()
	if len(ns.multipleOf) > 0 {
		m := ns.multipleOf[0]
		kLo := ceilRat(new(big.Rat).Quo(lo, m))
		kHi := floorRat(new(big.Rat).Quo(hi, m))
		if kLo.Cmp(kHi) > 0 {
			return nil, fmt.Errorf("%s: no multiple of %s in range", c.where(n.ptr), m.RatString())
		}
		span := new(big.Int).Sub(kHi, kLo)
		if span.Cmp(big.NewInt(100000)) > 0 {
			span.SetInt64(100000)
		}
		for range 6 {
			k := new(big.Int).Add(kLo, big.NewInt(c.r.Int64N(span.Int64()+1)))
			v := formatRat(new(big.Rat).Mul(new(big.Rat).SetInt(k), m))
			if ns.accepts(v) {
				return v, nil
			}
		}
		return nil, fmt.Errorf("%s: could not satisfy multipleOf %s within the bounds", c.where(n.ptr), m.RatString())
	}
	hundred := big.NewRat(100, 1)
	cLo := ceilRat(new(big.Rat).Mul(lo, hundred))
	cHi := floorRat(new(big.Rat).Mul(hi, hundred))
	if cLo.IsInt64() && cHi.IsInt64() && cLo.Int64() <= cHi.Int64() {
		a, b := clampInt(cLo), clampInt(cHi)
		for range 4 {
			if v := formatCents(a + c.r.Int64N(b-a+1)); ns.accepts(v) {
				return v, nil
			}
		}
	}
	// A range too narrow for cents: its midpoint is inside whatever the
	// exclusivity of its ends.
	mid := new(big.Rat).Add(lo, hi)
	v := formatRat(mid.Quo(mid, big.NewRat(2, 1)))
	if ns.accepts(v) {
		return v, nil
	}
	return nil, fmt.Errorf("%s: no number satisfies the bounds", c.where(n.ptr))
}

// bounds returns the numeric range with the default span filling in a
// missing end.
func (ns *numSpec) bounds() (lo, hi *big.Rat) {
	span := big.NewRat(defaultSpan, 1)
	switch {
	case ns.min != nil && ns.max != nil:
		return ns.min, ns.max
	case ns.min != nil:
		return ns.min, new(big.Rat).Add(ns.min, span)
	case ns.max != nil:
		lo := new(big.Rat).Sub(ns.max, span)
		if ns.max.Sign() >= 0 && lo.Sign() < 0 {
			lo = new(big.Rat)
		}
		return lo, ns.max
	}
	return new(big.Rat), span
}

func formatCents(c int64) json.Number {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	whole, frac := c/100, c%100
	switch {
	case frac == 0:
		return json.Number(sign + strconv.FormatInt(whole, 10))
	case frac%10 == 0:
		return json.Number(sign + strconv.FormatInt(whole, 10) + "." + strconv.FormatInt(frac/10, 10))
	}
	return json.Number(fmt.Sprintf("%s%d.%02d", sign, whole, frac))
}

// formatRat writes a rational exactly when its denominator allows a finite
// decimal, which is the case for every multipleOf written in decimal.
func formatRat(r *big.Rat) json.Number {
	if r.IsInt() {
		return json.Number(r.Num().String())
	}
	d := new(big.Int).Set(r.Denom())
	digits := 0
	ten, two, five := big.NewInt(10), big.NewInt(2), big.NewInt(5)
	zero := new(big.Int)
	for new(big.Int).Mod(d, ten).Cmp(zero) == 0 {
		d.Quo(d, ten)
		digits++
	}
	for new(big.Int).Mod(d, two).Cmp(zero) == 0 {
		d.Quo(d, two)
		digits++
	}
	for new(big.Int).Mod(d, five).Cmp(zero) == 0 {
		d.Quo(d, five)
		digits++
	}
	if d.Cmp(big.NewInt(1)) != 0 {
		digits = 12
	}
	return json.Number(r.FloatString(digits))
}

func ceilRat(r *big.Rat) *big.Int {
	q, m := new(big.Int).DivMod(r.Num(), r.Denom(), new(big.Int))
	if m.Sign() != 0 {
		q.Add(q, big.NewInt(1))
	}
	return q
}

func floorRat(r *big.Rat) *big.Int {
	q, _ := new(big.Int).DivMod(r.Num(), r.Denom(), new(big.Int))
	return q
}

func clampInt(v *big.Int) int64 {
	if v.Cmp(big.NewInt(genLimit)) > 0 {
		return genLimit
	}
	if v.Cmp(big.NewInt(-genLimit)) < 0 {
		return -genLimit
	}
	return v.Int64()
}

func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a > 0) == (b > 0) {
		q++
	}
	return q
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a > 0) != (b > 0) {
		q--
	}
	return q
}
