import KithBlog
import KithModel
import KithPlugin
import KithTestSupport

/// Shortcuts for the blog tests.
enum Blog {
    static func run(_ importer: any Importer, _ text: String, name: String = "test.xml", options: PluginOptions = PluginOptions())
        -> ImporterConformance.Outcome
    {
        ImporterConformance.run(importer, bytes: Array(text.utf8), fileName: name, options: options)
    }

    static func sample(_ path: String) throws -> [UInt8] { try RepositoryFiles.bytes(path) }

    /// A WXR 1.2 document around `body` (items, authors), with the wp
    /// namespace URI given.
    static func wxr(_ body: String, ns: String = "https://wordpress.org/export/1.2/") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="\(ns)">
        <channel>
        <title>T</title>
        <link>https://blog.example</link>
        <wp:wxr_version>1.2</wp:wxr_version>
        \(body)
        </channel>
        </rss>
        """
    }

    static func comment(
        id: Int, author: String = "Ann Example", email: String = "ann@example.org", url: String = "", date: String = "2012-03-04 05:06:07",
        gmt: String = "2012-03-04 13:06:07", content: String = "Hello", approved: String = "1", type: String = "", parent: Int = 0
    ) -> String {
        """
        <wp:comment>
        <wp:comment_id>\(id)</wp:comment_id>
        <wp:comment_author><![CDATA[\(author)]]></wp:comment_author>
        <wp:comment_author_email>\(email)</wp:comment_author_email>
        <wp:comment_author_url>\(url)</wp:comment_author_url>
        <wp:comment_author_IP>192.0.2.1</wp:comment_author_IP>
        <wp:comment_date>\(date)</wp:comment_date>
        <wp:comment_date_gmt>\(gmt)</wp:comment_date_gmt>
        <wp:comment_content><![CDATA[\(content)]]></wp:comment_content>
        <wp:comment_approved>\(approved)</wp:comment_approved>
        <wp:comment_type>\(type)</wp:comment_type>
        <wp:comment_parent>\(parent)</wp:comment_parent>
        <wp:comment_user_id>0</wp:comment_user_id>
        </wp:comment>
        """
    }

    static func item(id: Int = 10, title: String = "A post", creator: String = "admin", type: String = "post", comments: String = "", gmt: String = "2012-03-01 10:00:00") -> String {
        """
        <item>
        <title>\(title)</title>
        <link>https://blog.example/p/\(id)/</link>
        <dc:creator><![CDATA[\(creator)]]></dc:creator>
        <content:encoded><![CDATA[<p>Body of \(title)</p>]]></content:encoded>
        <wp:post_id>\(id)</wp:post_id>
        <wp:post_date>2012-03-01 02:00:00</wp:post_date>
        <wp:post_date_gmt>\(gmt)</wp:post_date_gmt>
        <wp:status>publish</wp:status>
        <wp:post_type>\(type)</wp:post_type>
        \(comments)
        </item>
        """
    }
}
