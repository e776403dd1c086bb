package schedule

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// cronParser takes the standard five fields, an optional leading seconds
// field, and descriptors such as @hourly or @every 90s.
var cronParser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseCron checks a cron expression. Times are UTC unless the expression
// starts with CRON_TZ=<zone>.
func ParseCron(expr string) (cron.Schedule, error) {
	s, err := cronParser.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("%q is not a cron expression (e.g. \"*/5 * * * *\", \"*/10 * * * * *\" with seconds, \"@hourly\"): %v", expr, err)
	}
	return s, nil
}

// ParseRate reads an average rate such as "50/s", "3000/m", "2/h" or
// "0.5/s" and returns it per second.
func ParseRate(s string) (float64, error) {
	num, unit, ok := strings.Cut(strings.ReplaceAll(s, " ", ""), "/")
	per := map[string]float64{"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600}[unit]
	n, err := strconv.ParseFloat(num, 64)
	if !ok || per == 0 || err != nil || n <= 0 || math.IsInf(n, 0) || math.IsNaN(n) {
		return 0, fmt.Errorf("%q is not a rate (e.g. 50/s, 3000/m, 2/h)", s)
	}
	if r := n / per; r <= MaxRate {
		return r, nil
	}
	return 0, fmt.Errorf("%q is above the most a schedule fires, %g/s", s, float64(MaxRate))
}

// MaxRate bounds a Poisson schedule; higher rates are load tests, which
// `hookmock load` does without a provider in the way.
const MaxRate = 10_000

// timing yields a schedule's nominal firing times in order.
type timing interface {
	next() time.Time
	// skipTo moves past t without firing, for a clock that jumped.
	skipTo(t time.Time)
}

type interval struct {
	start time.Time
	every time.Duration
	k     int64
}

func (i *interval) next() time.Time {
	i.k++
	return i.start.Add(time.Duration(i.k) * i.every)
}

func (i *interval) skipTo(t time.Time) {
	if t.After(i.start) {
		i.k = int64(t.Sub(i.start) / i.every)
	}
}

type cronTiming struct {
	sched cron.Schedule
	prev  time.Time
}

func (c *cronTiming) next() time.Time {
	c.prev = c.sched.Next(c.prev)
	return c.prev
}

func (c *cronTiming) skipTo(t time.Time) { c.prev = t }

// poisson spaces firings by exponential gaps: the count in any window of
// length T is Poisson with mean rate·T.
type poisson struct {
	rate float64
	rng  *rand.Rand
	prev time.Time
}

func (p *poisson) next() time.Time {
	gap := p.rng.ExpFloat64() / p.rate
	p.prev = p.prev.Add(time.Duration(gap * float64(time.Second)))
	return p.prev
}

// skipTo re-anchors at t; a Poisson process is memoryless, so the rest
// of the stream is as random as it would have been.
func (p *poisson) skipTo(t time.Time) { p.prev = t }

// timingFor builds the timing of s, anchored at start.
func timingFor(s Spec, start time.Time, rng *rand.Rand) (timing, string, error) {
	set := 0
	for _, b := range []bool{s.Every > 0, s.Cron != "", s.Rate > 0} {
		if b {
			set++
		}
	}
	if set != 1 {
		return nil, "", errors.New("give exactly one of every, cron or rate")
	}
	switch {
	case s.Every > 0:
		return &interval{start: start, every: s.Every}, "interval", nil
	case s.Cron != "":
		c, err := ParseCron(s.Cron)
		if err != nil {
			return nil, "", err
		}
		return &cronTiming{sched: c, prev: start.UTC()}, "cron", nil
	}
	if s.Rate > MaxRate {
		return nil, "", fmt.Errorf("rate %g/s is above %d/s", s.Rate, MaxRate)
	}
	return &poisson{rate: s.Rate, rng: rng, prev: start}, "rate", nil
}
