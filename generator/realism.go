package generator

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Realism comes, in order, from an `x-faker` template on the schema, from
// the property's name, and from the schema's own examples. Each candidate
// is checked against the schema and dropped if it does not fit, so realism
// never costs validity.

// examplesChance is how often a schema's own examples are used when
// nothing more specific applies: often enough to look like the provider's
// documentation, not so often that every event is the same.
const examplesChance = 0.5

func (c *genCtx) realistic(n *node, h hint, t jtype) (any, bool) {
	// An id whose shape the examples, name or description show (see
	// words.go) beats a generic id: gravatar_id is an md5, not a uuid.
	if t == tString && (h == hintNone || h == hintID || h == hintSHA || h == hintMD5 || h == hintNodeID) {
		if v, ok := c.shaped(n, h); ok {
			return v, true
		}
	}
	if v, ok := c.named(n, h, t); ok {
		return v, true
	}
	// A format makes better values than a handful of documented ones
	// repeated: uuids must not collide across events.
	if generatedFormats[n.format] {
		return nil, false
	}
	chance := examplesChance
	if t == tString && n.format == "" && len(n.patterns) == 0 {
		chance = freeExamplesChance
	}
	if len(n.examples) > 0 && c.r.chance(chance) {
		v := n.examples[c.r.IntN(len(n.examples))]
		if jsonType(v)&t != 0 {
			return clone(v), true
		}
	}
	return nil, false
}

// named tries the x-faker template and the property-name hint.
func (c *genCtx) named(n *node, h hint, t jtype) (any, bool) {
	if n.faker != "" {
		if v, ok := c.fromFaker(n.faker, t); ok && n.accepts(v, 0) {
			return v, true
		}
	}
	if h != hintNone {
		if v, ok := c.hinted(h, t); ok && n.accepts(v, 0) {
			return v, true
		}
	}
	return nil, false
}

// fromFaker runs a gofakeit template such as "{firstname} {lastname}"; a
// bare function name ("email") is taken as "{email}".
func (c *genCtx) fromFaker(tmpl string, t jtype) (any, bool) {
	if !strings.Contains(tmpl, "{") {
		tmpl = "{" + tmpl + "}"
	}
	s, err := c.r.Generate(tmpl)
	if err != nil {
		return nil, false
	}
	switch {
	case t == tString:
		return s, true
	case t&(tInteger|tNumber) != 0:
		// json.Valid, not ParseFloat: "NaN" and "0x1p3" parse but are not JSON.
		if s != "" && (s[0] == '-' || s[0] >= '0' && s[0] <= '9') && json.Valid([]byte(s)) {
			return json.Number(s), true
		}
	case t == tBoolean:
		if b, err := strconv.ParseBool(s); err == nil {
			return b, true
		}
	}
	return nil, false
}

// hint is what a property's name says its value looks like.
type hint uint8

const (
	hintNone hint = iota
	hintRoom
	hintEndpoint
	hintEmail
	hintURL
	hintPersonName
	hintFirstName
	hintLastName
	hintLogin
	hintUserAgent
	hintIP
	hintHostname
	hintPhone
	hintCompany
	hintCity
	hintCountry
	hintCountryCode
	hintSentence
	hintTitle
	hintSHA
	hintLanguage
	hintCurrency
	hintSlug
	hintSemver
	hintMD5    // gravatar_id: 32 hex digits
	hintNodeID // node_id: a base64 global id
	hintTime   // *_at, timestamp: a moment
	hintID     // integer ids
	hintCount
	hintPort
)

// nameHints maps exact (lower-cased) property names to hints.
var nameHints = map[string]hint{
	"room": hintRoom, "room_name": hintRoom, "roomname": hintRoom,
	"email": hintEmail, "email_address": hintEmail, "emailaddress": hintEmail,
	"url": hintURL, "href": hintURL, "uri": hintURL, "homepage": hintURL, "website": hintURL, "blog": hintURL,
	"user_name": hintPersonName, "display_name": hintPersonName, "displayname": hintPersonName,
	"author_name": hintPersonName, "full_name_person": hintPersonName, "contact_name": hintPersonName,
	"first_name": hintFirstName, "firstname": hintFirstName, "given_name": hintFirstName, "givenname": hintFirstName,
	"last_name": hintLastName, "lastname": hintLastName, "family_name": hintLastName, "surname": hintLastName,
	"login": hintLogin, "username": hintLogin, "user_login": hintLogin, "handle": hintLogin, "screen_name": hintLogin, "nickname": hintLogin,
	"user_agent": hintUserAgent, "useragent": hintUserAgent,
	"ip": hintIP, "ip_address": hintIP, "ipaddress": hintIP, "remote_ip": hintIP, "client_ip": hintIP, "remote_addr": hintIP,
	"hostname": hintHostname, "host": hintHostname, "domain": hintHostname, "domain_name": hintHostname,
	"phone": hintPhone, "phone_number": hintPhone, "phonenumber": hintPhone, "mobile": hintPhone,
	"company": hintCompany, "company_name": hintCompany, "organization_name": hintCompany,
	"city": hintCity, "country": hintCountry, "country_code": hintCountryCode,
	"description": hintSentence, "summary": hintSentence, "message": hintSentence, "body": hintSentence,
	"comment": hintSentence, "bio": hintSentence, "note": hintSentence, "reason": hintSentence, "details": hintSentence,
	"title": hintTitle, "subject": hintTitle, "headline": hintTitle,
	"destination": hintEndpoint, "origin": hintEndpoint, "sip_from": hintEndpoint, "sip_to": hintEndpoint,
	"sha": hintSHA, "commit_id": hintSHA, "commit_sha": hintSHA, "commit_oid": hintSHA, "head_sha": hintSHA,
	"gravatar_id": hintMD5, "md5": hintMD5, "node_id": hintNodeID,
	"language": hintLanguage, "currency": hintCurrency, "slug": hintSlug, "version": hintSemver,
	"timestamp": hintTime, "ts": hintTime, "time": hintTime,
	"id": hintID, "count": hintCount, "total": hintCount, "size": hintCount, "port": hintPort,
}

// hintFor reads a property name, by exact name first and then by suffix
// (`to_endpoint`, `avatar_url`, `created_at`, `*_count`).
func hintFor(name string) hint {
	lower := strings.ToLower(name)
	if h, ok := nameHints[lower]; ok {
		return h
	}
	switch {
	case strings.HasSuffix(lower, "_endpoint") || strings.HasSuffix(lower, "endpoint_uri"):
		return hintEndpoint
	case strings.HasSuffix(lower, "_email"):
		return hintEmail
	case strings.HasSuffix(lower, "_url") || strings.HasSuffix(lower, "_uri") || strings.HasSuffix(lower, "_href"):
		return hintURL
	case strings.HasSuffix(lower, "_at") || strings.HasSuffix(lower, "_ts") || strings.HasSuffix(lower, "_time"):
		return hintTime
	case strings.HasSuffix(lower, "_sha"):
		return hintSHA
	case strings.HasSuffix(lower, "_ip"):
		return hintIP
	case strings.HasSuffix(lower, "_phone"):
		return hintPhone
	case strings.HasSuffix(lower, "_count") || strings.HasSuffix(lower, "_total"):
		return hintCount
	case strings.HasSuffix(lower, "_id"):
		return hintID
	}
	return hintNone
}

// hinted produces a value for a hint in the wanted JSON type, or ok=false
// when the hint has nothing of that type to offer.
func (c *genCtx) hinted(h hint, t jtype) (any, bool) {
	r := c.r
	if t&(tInteger|tNumber) != 0 {
		v, numeric := int64(0), true
		switch h {
		case hintTime:
			// Epoch-second fields of webhook payloads (joined_at, start_ts)
			// describe the moment around the event, not history.
			v = c.now.Unix() - r.Int64N(3*3600)
		case hintID:
			v = 1 + r.Int64N(99_999_999)
		case hintCount:
			v = r.Int64N(200)
		case hintPort:
			v = 1024 + r.Int64N(64511)
		default:
			numeric = false
		}
		if numeric {
			return json.Number(strconv.FormatInt(v, 10)), true
		}
	}
	if t&tString == 0 {
		return nil, false
	}
	switch h {
	case hintRoom:
		return roomName(r), true
	case hintEndpoint:
		if r.chance(0.8) {
			return sipURI(r, "", ""), true
		}
		return e164(r), true
	case hintEmail:
		return r.Email(), true
	case hintURL:
		return webURL(r), true
	case hintPersonName:
		return r.Name(), true
	case hintFirstName:
		return r.FirstName(), true
	case hintLastName:
		return r.LastName(), true
	case hintLogin:
		return strings.ToLower(r.Username()), true
	case hintUserAgent:
		return r.UserAgent(), true
	case hintIP:
		return r.IPv4Address(), true
	case hintHostname:
		return hostName(r), true
	case hintPhone:
		return e164(r), true
	case hintCompany:
		return r.Company(), true
	case hintCity:
		return r.City(), true
	case hintCountry:
		return r.Country(), true
	case hintCountryCode:
		return r.CountryAbr(), true
	case hintSentence:
		return r.Sentence(), true
	case hintTitle:
		return strings.TrimSuffix(r.HipsterSentence(), "."), true
	case hintSHA:
		return r.HexUint(160)[2:], true
	case hintLanguage:
		return r.ProgrammingLanguage(), true
	case hintCurrency:
		return r.CurrencyShort(), true
	case hintSlug:
		return slug(r.Adjective() + " " + r.NounCommon()), true
	case hintSemver:
		return strconv.Itoa(r.IntN(4)) + "." + strconv.Itoa(r.IntN(20)) + "." + strconv.Itoa(r.IntN(30)), true
	case hintTime:
		return c.pastTime().Format(time.RFC3339), true
	case hintID:
		return r.UUID(), true
	}
	return nil, false
}
