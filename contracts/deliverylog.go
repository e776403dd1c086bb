package contracts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/hookmock/hookmock/mockserver/wire"
	"github.com/hookmock/hookmock/spec"
)

// ReadDeliveryLog reads a delivery log for offline verification: the JSON
// object GET /_mock/deliveries returns, or a bare array of deliveries.
func ReadDeliveryLog(path string) (wire.DeliveryLog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return wire.DeliveryLog{}, err
	}
	return ParseDeliveryLog(path, data)
}

// ParseDeliveryLog parses a delivery log; errors name source, line and column.
func ParseDeliveryLog(source string, data []byte) (wire.DeliveryLog, error) {
	var log wire.DeliveryLog
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	var target any = &log
	if len(trimmed) > 0 && trimmed[0] == '[' {
		target = &log.Deliveries
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(target); err != nil {
		return log, fmt.Errorf("%s: %w", source, spec.PositionError(data, dec.InputOffset(), err))
	}
	if log.Deliveries == nil {
		return log, fmt.Errorf(`%s: no "deliveries": want the JSON of GET /_mock/deliveries or an array of deliveries`, source)
	}
	return log, nil
}
