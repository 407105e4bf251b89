import SwitchyardModels
import Testing

@testable import SwitchyardS3

@Suite("S3 website routing")
struct WebsiteRoutingTests {
    @Test func websiteHostsNameTheirBucket() {
        #expect(StaticWebsite.bucket(inHost: "site.s3-website.localhost:4566") == "site")
        #expect(StaticWebsite.bucket(inHost: "my.site.s3-website-eu-west-1.amazonaws.com") == "my.site")
        #expect(StaticWebsite.bucket(inHost: "site.s3-website.us-east-1.amazonaws.com") == "site")
        #expect(StaticWebsite.bucket(inHost: "site.s3.amazonaws.com") == nil)
        #expect(StaticWebsite.bucket(inHost: "s3-website.localhost") == nil)
        // The REST endpoint's virtual host does not take a website host for a bucket.
        #expect(VirtualHostedAddressing.bucket(inHost: "site.s3-website.localhost.localstack.cloud") == nil)
    }

    @Test func foldersServeTheirIndex() {
        let routing = WebsiteRouting(
            configuration: S3.WebsiteConfiguration(indexDocument: S3.IndexDocument(suffix: "index.html")))
        #expect(routing.objectKey(for: "") == "index.html")
        #expect(routing.objectKey(for: "docs/") == "docs/index.html")
        #expect(routing.objectKey(for: "docs") == "docs")
        #expect(routing.folderIndexKey(for: "docs") == "docs/index.html")
        #expect(routing.folderIndexKey(for: "docs/") == nil)
        #expect(WebsiteRouting.requestKey(ofPath: "/a%20b/c.html") == "a b/c.html")
    }

    @Test func rulesApplyBeforeOrAfterTheLookupByTheirCondition() {
        let routing = WebsiteRouting(
            configuration: S3.WebsiteConfiguration(
                indexDocument: S3.IndexDocument(suffix: "index.html"),
                routingRules: [
                    S3.RoutingRule(
                        condition: S3.Condition(httpErrorCodeReturnedEquals: "404"),
                        redirect: S3.Redirect(replaceKeyWith: "missing.html")),
                    S3.RoutingRule(
                        condition: S3.Condition(keyPrefixEquals: "old/"),
                        redirect: S3.Redirect(httpRedirectCode: "302", replaceKeyPrefixWith: "new/")),
                ]))
        #expect(
            routing.ruleRedirect(for: "old/a.html", errorCode: nil, host: "h")
                == .init(status: 302, location: "http://h/new/a.html"))
        #expect(routing.ruleRedirect(for: "b.html", errorCode: nil, host: "h") == nil)
        #expect(
            routing.ruleRedirect(for: "b.html", errorCode: 404, host: "h")
                == .init(status: 301, location: "http://h/missing.html"))
        #expect(routing.ruleRedirect(for: "b.html", errorCode: 403, host: "h") == nil)
    }
}
