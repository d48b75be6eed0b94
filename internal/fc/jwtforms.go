package fc

import (
	"encoding/json"
	"slices"
	"strings"
)

// parseTokenLookup reads "position:name[:prefix],…" or an array of
// {readPosition, parameterName, prefix}.
func parseTokenLookup(raw json.RawMessage) ([]TokenSource, error) {
	var out []TokenSource
	var text string
	if json.Unmarshal(raw, &text) == nil || len(raw) == 0 || string(raw) == "null" {
		for _, e := range splitEntries(text) {
			pos, rest, _ := strings.Cut(e, ":")
			name, prefix, _ := strings.Cut(rest, ":")
			out = append(out, TokenSource{Position: pos, Name: name, Prefix: prefix})
		}
	} else {
		var items []struct{ ReadPosition, ParameterName, Prefix string }
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, InvalidArgument("authConfig.tokenLookup is invalid: a string or an array of {readPosition, parameterName, prefix}")
		}
		for _, it := range items {
			out = append(out, TokenSource{Position: it.ReadPosition, Name: it.ParameterName, Prefix: it.Prefix})
		}
	}
	return out, validTokenSources(out)
}

func validTokenSources(sources []TokenSource) error {
	if len(sources) > MaxTokenSources {
		return InvalidArgument("authConfig.tokenLookup has %d entries, at most %d are allowed", len(sources), MaxTokenSources)
	}
	for _, s := range sources {
		if !slices.Contains([]string{"header", "cookie", "query", "form"}, s.Position) || s.Name == "" {
			return InvalidArgument("authConfig.tokenLookup entry %s:%s is invalid: position header, cookie, query or form, and a name", s.Position, s.Name)
		}
	}
	return nil
}

// parseClaimPassBy reads "position:claim:parameter,…" or an array of
// {mappingParameterPosition, claimName, mappingParameterName}. Entries with
// an empty claim or parameter (Serverless Devs sends "query::" for none) are
// dropped.
func parseClaimPassBy(raw json.RawMessage) ([]ClaimMapping, error) {
	var all []ClaimMapping
	var text string
	if json.Unmarshal(raw, &text) == nil || len(raw) == 0 || string(raw) == "null" {
		for _, e := range splitEntries(text) {
			parts := strings.SplitN(e, ":", 3)
			for len(parts) < 3 {
				parts = append(parts, "")
			}
			all = append(all, ClaimMapping{Position: parts[0], Claim: parts[1], Name: parts[2]})
		}
	} else {
		var items []struct{ MappingParameterPosition, ClaimName, MappingParameterName string }
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, InvalidArgument("authConfig.claimPassBy is invalid: a string or an array of {mappingParameterPosition, claimName, mappingParameterName}")
		}
		for _, it := range items {
			all = append(all, ClaimMapping{Position: it.MappingParameterPosition, Claim: it.ClaimName, Name: it.MappingParameterName})
		}
	}
	out := make([]ClaimMapping, 0, len(all))
	for _, m := range all {
		if m.Claim != "" && m.Name != "" {
			out = append(out, m)
		}
	}
	return out, validClaimMappings(out)
}

func validClaimMappings(ms []ClaimMapping) error {
	if len(ms) > MaxClaimMappings {
		return InvalidArgument("authConfig.claimPassBy has %d entries, at most %d are allowed", len(ms), MaxClaimMappings)
	}
	for _, m := range ms {
		if !slices.Contains([]string{"header", "query", "cookie"}, m.Position) {
			return InvalidArgument("authConfig.claimPassBy entry %s:%s:%s is invalid: position header, query or cookie", m.Position, m.Claim, m.Name)
		}
		if m.Position == "header" && !validHeaderName(m.Name) {
			return InvalidArgument("authConfig.claimPassBy header name %q is invalid", m.Name)
		}
	}
	return nil
}

func splitEntries(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}
