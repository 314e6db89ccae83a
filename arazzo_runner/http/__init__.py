"""Everything about one HTTP exchange: building the request, sending it, judging the response.

Modules are imported directly (``from ..http.transport import send``): this
package has no facade, so that reading a message type does not import the
HTTP client.
"""
