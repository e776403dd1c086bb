package mockserver

import "net/http"

// routeInspector serves the inspector: the live stream, replay, cURL, the
// control API's own description and the page at /.
func (p *Provider) routeInspector(mux *http.ServeMux) {
	mux.HandleFunc("GET /_mock/stream", p.getStream)
	mux.HandleFunc("GET /_mock/deliveries/{id}", p.getDelivery)
	mux.HandleFunc("POST /_mock/deliveries/{id}/replay", p.postReplay)
	mux.HandleFunc("GET /_mock/deliveries/{id}/curl", p.getCurl)
	mux.HandleFunc("GET /_mock/openapi.json", p.getOpenAPI)
	p.routeUI(mux)
}
