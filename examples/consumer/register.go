package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// DailyAPI is the base URL of Daily's REST API; tests point it at hookmock.
const DailyAPI = "https://api.daily.co/v1"

// WebhookConfig is the body of Daily's POST /webhooks.
type WebhookConfig struct {
	URL string `json:"url"`
	// HMAC is the base64 secret Daily signs with; empty lets Daily
	// provision one, returned in Webhook.HMAC.
	HMAC       string   `json:"hmac,omitempty"`
	EventTypes []string `json:"eventTypes,omitempty"`
	// RetryType is "circuit-breaker" (Daily's default) or "exponential".
	RetryType string `json:"retryType,omitempty"`
}

// Webhook is the part of Daily's webhook object the consumer uses.
type Webhook struct {
	UUID       string   `json:"uuid"`
	URL        string   `json:"url"`
	HMAC       string   `json:"hmac"`
	State      string   `json:"state"`
	EventTypes []string `json:"eventTypes"`
}

// RegisterWebhook creates the domain's webhook. Daily first POSTs its
// verification probe to the URL and answers 400 unless that gets a quick
// 200, so the consumer must already be serving.
func RegisterWebhook(ctx context.Context, client *http.Client, apiBase, apiKey string, cfg WebhookConfig) (*Webhook, error) {
	body, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, apiBase+"/webhooks", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+apiKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("daily: create webhook: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("daily: create webhook: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error, Info string }
		_ = json.Unmarshal(raw, &e)
		return nil, fmt.Errorf("daily: create webhook: %d %s: %s", resp.StatusCode, e.Error, e.Info)
	}
	var hook Webhook
	if err := json.Unmarshal(raw, &hook); err != nil {
		return nil, fmt.Errorf("daily: create webhook: %w", err)
	}
	return &hook, nil
}
