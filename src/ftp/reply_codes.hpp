// Every FTP reply code the master sends, named once. The numbers are the
// RFCs' (959 §4.2, 2389, 2428, 3659, 7151); callers use the names so that a
// reply's meaning is readable where it is sent and a code is chosen in one
// place. Pure constants: no state, nothing throws.
#pragma once

namespace fleet::ftp {

// 1yz: positive preliminary.
inline constexpr int kFileStatusOk = 150;  // about to open the data connection

// 2yz: positive completion.
inline constexpr int kCommandOk = 200;
inline constexpr int kCommandSuperfluous = 202;  // not needed on this server (ACCT, ALLO)
inline constexpr int kSystemStatus = 211;        // STAT, FEAT, SITE reports
inline constexpr int kFileStatus = 213;          // SIZE, MDTM, MFMT, STAT <path>
inline constexpr int kHelpMessage = 214;
inline constexpr int kSystemType = 215;
inline constexpr int kServiceReady = 220;
inline constexpr int kClosingControl = 221;       // QUIT
inline constexpr int kDataOpenNoTransfer = 225;   // ABOR without a transfer
inline constexpr int kTransferComplete = 226;     // closing the data connection, action done
inline constexpr int kEnteringPassive = 227;
inline constexpr int kEnteringExtendedPassive = 229;  // RFC 2428
inline constexpr int kLoggedIn = 230;
inline constexpr int kFileActionOk = 250;
inline constexpr int kPathCreated = 257;

// 3yz: positive intermediate.
inline constexpr int kNeedPassword = 331;
inline constexpr int kPendingFurtherInfo = 350;  // REST, RNFR

// 4yz: transient negative completion.
inline constexpr int kServiceNotAvailable = 421;  // the control connection closes
inline constexpr int kCantOpenData = 425;
inline constexpr int kTransferAborted = 426;
inline constexpr int kFileBusy = 450;             // file action not taken, may work later
inline constexpr int kLocalError = 451;           // action aborted: error in processing
inline constexpr int kInsufficientStorage = 452;

// 5yz: permanent negative completion.
inline constexpr int kSyntaxError = 500;          // command unrecognized or not allowed
inline constexpr int kSyntaxErrorInArgs = 501;
inline constexpr int kNotImplemented = 502;
inline constexpr int kBadSequence = 503;
inline constexpr int kNotImplementedForParam = 504;
inline constexpr int kProtocolNotSupported = 522;  // RFC 2428 §2/§3: EPRT/EPSV network family
inline constexpr int kNotLoggedIn = 530;
inline constexpr int kFileUnavailable = 550;       // no such file, no access
inline constexpr int kFileNameNotAllowed = 553;
inline constexpr int kInvalidRestart = 554;        // RFC 3659 §5: invalid REST parameter

}  // namespace fleet::ftp
