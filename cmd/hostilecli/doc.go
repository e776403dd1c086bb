// Package hostilecli holds a Ginkgo suite that feeds the hookmock command
// line the small files that once crashed, hung or exhausted it: YAML alias
// cycles and billion laughs, deep allOf, a $ref DAG, 20,000 properties,
// huge minItems and minLength, a $ref cycle with no finite instance. Each
// goes through validate, gen, gate and serve --spec (and the scenario,
// hookmock.yaml, consumer-contract and policy readers) and must end within
// 10 s of CPU time with its documented exit code and a message naming the
// limit or the place at fault.
package hostilecli
