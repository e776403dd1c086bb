package generator

// checkEvery is how many values are generated between looks at the
// context: often enough to stop within microseconds, rarely enough to cost
// nothing measurable.
const checkEvery = 256

// stopped returns the context's error once it is done. It looks at the
// first value too, so that work for a caller already gone never starts.
func (c *genCtx) stopped() error {
	if c.ctx == nil {
		return nil
	}
	if c.steps++; c.steps%checkEvery != 1 {
		return nil
	}
	return c.ctx.Err()
}

func (d draft) cancelled() bool { return d.ctx != nil && d.ctx.Err() != nil }
