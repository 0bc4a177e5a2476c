// Throughput benchmarks for Kith's hot paths, run in release mode:
//
//   swift run -c release kith-bench jsonl [COUNT]
//   swift run -c release kith-bench vcard FILE.vcf
//   swift run -c release kith-bench csv FILE.csv [--floor] [threads=2]
//   swift run -c release kith-bench wxr FILE [threads=2]
//   swift run -c release kith-bench mail FILE.mbox [TRUTH.tsv]
//
// Each prints MB/s, records/s and peak memory; see the README's Performance
// section for the peers to run beside them. One file per mode.
import Foundation
import Kith

let args = Array(CommandLine.arguments.dropFirst())
let which = args.first ?? "jsonl"
let path = args.count >= 2 ? args[1] : nil
switch (which, path) {
case ("jsonl", _): try benchJSONL(count: path.flatMap { Int($0) } ?? 200_000)
case ("jsonl-kith", _): try benchJSONL(count: path.flatMap { Int($0) } ?? 200_000, kithOnly: true)  // for profiling
case ("vcard", let p?): try benchVCard(path: p)
case ("csv", let p?):
    try benchCSV(path: p, options: pluginOptions(args.dropFirst(2)))
    if args.dropFirst(2).contains("--floor") { try benchContactFloor(path: p) }
case ("wxr", let p?):
    try benchWXR(path: p, options: pluginOptions(args.dropFirst(2)))
case ("mail", let p?): try benchMail(path: p, truthPath: args.count >= 3 ? args[2] : p + ".truth.tsv")
default:
    FileHandle.standardError.write(Data("usage: kith-bench jsonl [COUNT] | vcard FILE.vcf | csv FILE.csv [--floor] [threads=2] | wxr FILE [threads=2] | mail FILE [TRUTH]\n".utf8))
    exit(2)
}

/// Further arguments of the form key=value are plugin options, e.g. threads=2.
func pluginOptions(_ args: ArraySlice<String>) -> PluginOptions {
    var options = PluginOptions()
    for kv in args {
        let parts = kv.split(separator: "=", maxSplits: 1).map(String.init)
        if parts.count == 2 { options[parts[0]] = parts[1] }
    }
    return options
}
