import FerryCore
import HTTPTypes
import Hummingbird
import NIOCore

extension Gateway {
    /// Ollama's answer to `GET /`, which its clients check for.
    static let ollamaRunning = "Ollama is running"

    /// `GET /`: the web page for a browser (``GatewaySettings/web``), Ollama's "Ollama is running" for anything
    /// else; `GET /web/{file}`: the page's files.
    func addWebRoutes(to routes: Hummingbird.Router<GatewayContext>) {
        let page = settings.web ? WebPage() : nil
        for method in [HTTPRequest.Method.get, .head] {
            routes.on("/", method: method) { request, _ in
                if let page, WebPage.wantsPage(request.headers), let response = page.response(for: WebPage.indexName, request: request.headers, head: method == .head) {
                    return response
                }
                guard method == .get else { return Response(status: .ok) }
                return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: Self.ollamaRunning)))
            }
        }
        guard let page else { return }
        for method in [HTTPRequest.Method.get, .head] {
            routes.on("\(WebPage.prefix){file}", method: method) { [self] request, context in
                await serve(.openAI, context) {
                    let name = context.parameters.get("file") ?? ""
                    guard let response = page.response(for: name, request: request.headers, head: method == .head) else {
                        throw FerryError(code: .modelNotFound, message: "The web page has no file \(name)", hint: "open the page at / instead", httpStatus: 404)
                    }
                    return response
                }
            }
        }
    }
}
