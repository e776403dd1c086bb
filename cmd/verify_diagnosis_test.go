package cmd_test

import (
	"encoding/json"
	"encoding/xml"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/hookmock/hookmock/cmd"
	"github.com/hookmock/hookmock/internal/mistaken"
)

// TestVerifyPrintsTheDiagnosis runs `hookmock verify --to` against each
// mistaken consumer and finds its diagnosis in the text, JSON and JUnit
// reports; a correct consumer gets none.
func TestVerifyPrintsTheDiagnosis(t *testing.T) {
	for _, m := range mistaken.Consumers {
		t.Run(m.Name, func(t *testing.T) {
			srv := httptest.NewServer(m.Handler(verifySecret))
			t.Cleanup(srv.Close)
			args := []string{"verify", "--to", srv.URL, "--seed", "5"}
			if m.Standard {
				args = append(args, "--sign", "standard", "--secret", "whsec_"+verifySecret)
			} else {
				args = append(args, "--secret", verifySecret)
			}
			events := m.Events
			if events == nil {
				// As mistaken.Consumer documents: the four calltransfer
				// events (the default contract has 33 types since 1.2.0).
				events = []string{"calltransfer.triggered", "calltransfer.initiated", "calltransfer.answered", "calltransfer.completed"}
			}
			for _, e := range events {
				args = append(args, "--event", e)
			}
			code, text, errOut := run(t, "", args...)
			if m.Mistake == "" {
				if code != cmd.ExitOK || strings.Contains(text, "diagnosis") {
					t.Fatalf("a correct consumer: exit %d; stderr %s\n%s", code, errOut, text)
				}
				return
			}
			if code != cmd.ExitFailed {
				t.Fatalf("exit %d, want 1; stderr %s\n%s", code, errOut, text)
			}
			if !regexp.MustCompile(`(?m)^diagnosis: \d+ extra requests? sent \(at most 10\)$`).MatchString(text) ||
				!strings.Contains(text, "DIAGNOSIS "+m.Clause+" ["+m.Mistake+"]: ") || !strings.Contains(text, m.Phrase) ||
				!strings.Contains(text, "  fix: ") || !strings.Contains(text, "  evidence: ") {
				t.Errorf("text lacks the diagnosis:\n%s", text)
			}

			_, js, _ := run(t, "", append(args, "--report", "json")...)
			var rep struct {
				Clauses []struct {
					ID        string
					Diagnosis []struct{ Mistake, Finding, Fix string }
				}
				Diagnosis struct {
					Requests int
					Sent     []struct{ Step string }
				}
			}
			if err := json.Unmarshal([]byte(js), &rep); err != nil {
				t.Fatalf("json: %v\n%s", err, js)
			}
			found := false
			for _, c := range rep.Clauses {
				for _, f := range c.Diagnosis {
					if c.ID == m.Clause && f.Mistake == m.Mistake && strings.Contains(f.Finding, m.Phrase) && f.Fix != "" {
						found = true
					}
				}
			}
			if !found || len(rep.Diagnosis.Sent) != rep.Diagnosis.Requests {
				t.Errorf("json: finding %v, %d requests, %d recorded\n%s", found, rep.Diagnosis.Requests, len(rep.Diagnosis.Sent), js)
			}

			_, junit, _ := run(t, "", append(args, "--report", "junit")...)
			var suite struct {
				Props []struct {
					Name  string `xml:"name,attr"`
					Value string `xml:"value,attr"`
				} `xml:"properties>property"`
				Cases []struct {
					ClassName string    `xml:"classname,attr"`
					Failure   *struct{} `xml:"failure"`
					SystemOut string    `xml:"system-out"`
				} `xml:"testcase"`
			}
			if err := xml.Unmarshal([]byte(junit), &suite); err != nil {
				t.Fatalf("junit: %v\n%s", err, junit)
			}
			noted := false
			for _, c := range suite.Cases {
				if c.ClassName == "hookmock.verify."+m.Clause && c.Failure != nil && strings.Contains(c.SystemOut, m.Phrase) {
					noted = true
				}
			}
			counted := false
			for _, p := range suite.Props {
				counted = counted || p.Name == "diagnosis-requests"
			}
			if !noted || !counted {
				t.Errorf("junit: system-out note %v, diagnosis-requests property %v\n%s", noted, counted, junit)
			}
		})
	}
}
