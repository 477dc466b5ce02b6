// Keeps a layer library non-empty while its folder has no sources yet.
namespace pp { [[maybe_unused]] static const int empty_layer = 0; }
