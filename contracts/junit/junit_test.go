package junit_test

import (
	"bytes"
	"encoding/xml"
	"testing"

	"github.com/hookmock/hookmock/contracts/junit"
)

func TestSuiteCountsAndParses(t *testing.T) {
	s := junit.Suite{Name: "hookmock <test> & co"}
	s.Add(junit.Case{ClassName: "c", Name: "ok"})
	s.Add(junit.Case{ClassName: "c", Name: "bad", Failure: &junit.Message{Message: "got 500", Text: "a < b"}})
	s.Add(junit.Case{ClassName: "c", Name: "broken", Error: &junit.Message{Message: "no contract"}})
	s.Add(junit.Case{ClassName: "c", Name: "later", Skipped: &junit.Message{Message: "not declared"}})
	var buf bytes.Buffer
	if err := s.Write(&buf); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Text string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if got.Name != s.Name || got.Tests != 4 || got.Failures != 1 || got.Errors != 1 || got.Skipped != 1 || len(got.Cases) != 4 {
		t.Fatalf("got %+v", got)
	}
	if got.Cases[1].Failure == nil || got.Cases[1].Failure.Text != "a < b" {
		t.Fatalf("failure text lost: %+v", got.Cases[1])
	}
}
